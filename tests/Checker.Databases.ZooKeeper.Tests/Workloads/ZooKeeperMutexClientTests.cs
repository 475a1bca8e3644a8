using Checker.Core.History;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Workloads;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>The lock recipe's client against a real ensemble.</summary>
[Collection(ZooKeeperClientsCollection.Name)]
[Trait("Tier", "Slow")]
public sealed class ZooKeeperMutexClientTests(ZooKeeperEnsemble zk)
{
    ZooKeeperMutexes Mutexes(double faultProbability = 0, double sessionSeconds = 6, double requestSeconds = 1) =>
        new(zk.Endpoints, ZooKeeperEnsemble.NewRoot(), ZooKeeperEnsemble.Options(sessionSeconds, requestSeconds), faultProbability, seed: 1);

    static Task<Completion> Acquire(IClient c) => c.InvokeAsync(new Invocation(MutexWorkload.Acquire, null, null), CancellationToken.None);
    static Task<Completion> Release(IClient c) => c.InvokeAsync(new Invocation(MutexWorkload.Release, null, null), CancellationToken.None);

    [Fact]
    public async Task One_holder_at_a_time_and_a_waiting_acquire_that_gives_up_withdraws()
    {
        var mutexes = Mutexes();
        await mutexes.PrepareAsync(CancellationToken.None);
        await using var a = mutexes.Create(0);
        await using var b = mutexes.Create(1);
        Assert.Equal(Completion.Ok(null), await Acquire(a));
        var holder = Assert.Single(await mutexes.ContendersAsync(CancellationToken.None));

        Assert.Equal(Completion.Fail("not granted in time; withdrew"), await Acquire(b));
        Assert.Equal([holder], await mutexes.ContendersAsync(CancellationToken.None)); // b's znode is gone again
        Assert.Equal(Completion.Fail("this process holds the lock already"), await Acquire(a));

        Assert.Equal(Completion.Ok(null), await Release(a));
        Assert.Empty(await mutexes.ContendersAsync(CancellationToken.None));
        Assert.Equal(Completion.Fail("this process does not hold the lock"), await Release(a));
        Assert.Equal(Completion.Ok(null), await Acquire(b));
        Assert.Equal(Completion.Ok(null), await Release(b));
    }

    [Fact]
    public async Task A_waiting_acquire_is_granted_when_the_holder_releases()
    {
        var mutexes = Mutexes(requestSeconds: 60);
        await mutexes.PrepareAsync(CancellationToken.None);
        await using var a = mutexes.Create(0);
        await using var b = mutexes.Create(2);
        Assert.Equal(Completion.Ok(null), await Acquire(a));
        var waiting = Acquire(b);
        while ((await mutexes.ContendersAsync(CancellationToken.None)).Count < 2) await Task.Delay(20); // b's znode queues behind a's
        Assert.False(waiting.IsCompleted);
        Assert.Equal(Completion.Ok(null), await Release(a));
        Assert.Equal(Completion.Ok(null), await waiting);
        Assert.Single(await mutexes.ContendersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task In_grant_twice_mode_an_acquire_is_granted_with_no_znode_so_two_hold_the_lock()
    {
        var faulty = Mutexes(faultProbability: 1);
        await faulty.PrepareAsync(CancellationToken.None);
        var correct = new ZooKeeperMutexes(zk.Endpoints, faulty.Root, ZooKeeperEnsemble.Options(requestSeconds: 1), 0, seed: 2);
        await using var liar = faulty.Create(0);
        await using var honest = correct.Create(1);
        Assert.Equal(Completion.Ok(null), await Acquire(liar));
        Assert.Empty(await faulty.ContendersAsync(CancellationToken.None));
        Assert.Equal(Completion.Ok(null), await Acquire(honest)); // the ensemble grants it: nobody else queued
        Assert.Equal(Completion.Ok(null), await Release(liar));
        Assert.Single(await faulty.ContendersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_holder_cut_off_from_its_server_keeps_the_lock_while_its_session_lives_and_loses_it_when_the_session_expires()
    {
        var lasting = Mutexes(sessionSeconds: 10, requestSeconds: 10);
        var brief = Mutexes(sessionSeconds: 3);
        await lasting.PrepareAsync(CancellationToken.None);
        await brief.PrepareAsync(CancellationToken.None);
        await using var keeper = lasting.Create(2);
        await using var loser = brief.Create(2);
        await using var next = new ZooKeeperMutexes(zk.Endpoints, brief.Root, ZooKeeperEnsemble.Options(10, 1), 0, seed: 3).Create(0);
        Assert.Equal(Completion.Ok(null), await Acquire(keeper));
        Assert.Equal(Completion.Ok(null), await Acquire(loser));
        Completion kept = null!, lost = null!;
        var grantedAfter = 0;
        await zk.WithKilledAsync(2, async () =>
        {
            // It resumes its session on another server and deletes its znode. Should the new leader's election
            // (the killed server may have led) outlast the release's patience, the release ends fail or info,
            // and (unlike a run, which retires an info client) the test asks again: its session lives on.
            for (var i = 0; i < 100 && (kept = await Release(keeper)).Type != OpType.Ok; i++) await Task.Delay(100);
            // Nobody touches the loser's session now: the ensemble expires it, deletes its znode, and grants the lock to the next.
            for (; grantedAfter < 200 && (await Acquire(next)).Type != OpType.Ok; grantedAfter++) { }
            lost = await Release(loser);
        });
        Assert.True(kept == Completion.Ok(null), $"the cut-off holder's release: {kept}");
        Assert.Empty(await lasting.ContendersAsync(CancellationToken.None));
        Assert.Equal(0, lasting.ExpiredHolders);
        Assert.True(grantedAfter < 200, "the lock of the expired session was never granted to the next client");
        Assert.Equal(OpType.Ok, lost.Type); // nothing is held any more...
        Assert.Equal(ZooKeeperMutexes.SessionExpired, lost.Error); // ...but the lock was lost before the release, while next held it
        Assert.Equal(1, brief.ExpiredHolders);
        Assert.Single(await brief.ContendersAsync(CancellationToken.None)); // next's
    }
}
