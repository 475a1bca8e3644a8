using Checker.Core.History;
using Checker.Databases.Etcd;
using Checker.Runner.Workloads;
using Etcdserverpb;
using Google.Protobuf;

namespace Checker.Databases.Etcd.Tests;

/// <summary>The mutex and bank clients against a real cluster: what etcd holds after each op, and what the history records.</summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdMutexBankClientTests(SharedEtcdCluster shared) : IClassFixture<SharedEtcdCluster>
{
    static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(2), ConnectTimeout = TimeSpan.FromSeconds(2);
    static readonly Invocation Acquire = new(MutexWorkload.Acquire, null, null), Release = new(MutexWorkload.Release, null, null);

    [Fact]
    public async Task One_holder_at_a_time_a_release_without_the_lock_fails_and_a_released_lock_can_be_taken()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        var mutexes = new EtcdMutexes(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 0, 1);
        await using var a = mutexes.Create(0);
        await using var b = mutexes.Create(1);
        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Acquire, default));
        var lockKv = await LockAsync(prefix);
        Assert.NotNull(lockKv);
        Assert.NotEqual(0, lockKv.Lease); // the lock lives on a lease

        var refused = await b.InvokeAsync(Acquire, default); // polls until its bound, then gives up: nothing held
        Assert.Equal(OpType.Fail, refused.Type);
        Assert.Equal(new Completion(OpType.Fail, null, "not held"), await b.InvokeAsync(Release, default));
        Assert.Equal(lockKv.Value, (await LockAsync(prefix))!.Value); // still a's

        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Release, default));
        Assert.Null(await LockAsync(prefix));
        Assert.Equal(Completion.Ok(null), await b.InvokeAsync(Acquire, default));
        Assert.Equal(Completion.Ok(null), await b.InvokeAsync(Release, default));
    }

    [Fact]
    public async Task A_blocked_acquire_waits_on_a_watch_and_is_granted_by_the_release_not_by_polling()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        var longOps = TimeSpan.FromSeconds(20); // an acquire waits up to 10 s: far longer than the hold below
        var mutexes = new EtcdMutexes(shared.Endpoints, prefix, longOps, ConnectTimeout, 0, 1);
        await using var a = mutexes.Create(0);
        await using var b = mutexes.Create(1);
        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Acquire, default));
        Assert.Equal(1, mutexes.TakeTries);

        var waiting = b.InvokeAsync(Acquire, default);
        while (mutexes.TakeTries < 2 && !waiting.IsCompleted) await Task.Delay(20); // b was refused once and now waits
        await Task.Delay(1000); // a poll would have tried many times by now; a watch has not woken
        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, mutexes.TakeTries);
        var aHeld = (await LockAsync(prefix))!.Value;

        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Release, default));
        Assert.Equal(Completion.Ok(null), await waiting);
        // Exactly one more try: the one the deletion woke, and it took the lock.
        Assert.Equal(3, mutexes.TakeTries);
        Assert.NotEqual(aHeld, (await LockAsync(prefix))!.Value);
        Assert.Equal(Completion.Ok(null), await b.InvokeAsync(Release, default));
    }

    [Fact]
    public async Task A_holder_whose_lease_ran_out_releases_ok_saying_so_and_a_closed_holder_frees_the_lock()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        var mutexes = new EtcdMutexes(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 0, 1);
        Assert.Equal(5, mutexes.LeaseTtl); // at least 5 s, at least two op timeouts
        await using var a = mutexes.Create(0);
        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Acquire, default));
        // The lease ends behind the holder's back (as when it runs out): etcd deletes the lock key with it.
        var (host, port) = shared.Endpoints[2];
        using (var channel = new EtcdChannel(host, port, ConnectTimeout))
            await channel.Client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = (await LockAsync(prefix))!.Lease });
        await using var b = mutexes.Create(1);
        Assert.Equal(Completion.Ok(null), await b.InvokeAsync(Acquire, default)); // a still believes it holds: an overlap etcd allows
        Assert.Equal(new Completion(OpType.Ok, null, EtcdMutexes.LeaseExpired), await a.InvokeAsync(Release, default));
        Assert.NotNull(await LockAsync(prefix)); // a's release did not touch b's lock

        await b.DisposeAsync(); // a client closed while holding (after an unknown op) gives its lease back
        Assert.Null(await LockAsync(prefix));
        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Acquire, default));
    }

    [Fact]
    public async Task A_lease_its_closed_holder_could_not_give_back_is_given_back_by_the_next_acquire()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        var longOps = TimeSpan.FromSeconds(20); // a 40 s lease, and acquires that give up after 10 s: only a revoke frees the lock in time
        var mutexes = new EtcdMutexes(shared.Endpoints, prefix, longOps, ConnectTimeout, 0, 1);
        var n1 = shared.Cluster.Nodes[0];
        var a = mutexes.Create(0);
        Assert.Equal(Completion.Ok(null), await a.InvokeAsync(Acquire, default));
        await shared.Cluster.Db.KillAsync(n1, default);
        await a.DisposeAsync(); // its member is gone: the revoke cannot be sent
        await shared.Cluster.Db.RestartAsync(n1, default);
        await shared.Cluster.Db.WaitUntilServingAsync(TimeSpan.FromSeconds(60), default);
        Assert.NotNull(await LockAsync(prefix));

        await using var b = mutexes.Create(1);
        var acquired = await b.InvokeAsync(Acquire, default);
        Assert.True(acquired.Type == OpType.Ok, $"acquire: {acquired}");
        Assert.Equal(Completion.Ok(null), await b.InvokeAsync(Release, default));
    }

    [Fact]
    public async Task Grant_twice_answers_ok_while_another_holds_and_etcd_never_sees_it()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        await using var holder = new EtcdMutexes(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 0, 1).Create(0);
        await using var liar = new EtcdMutexes(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 1, 1).Create(1);
        Assert.Equal(Completion.Ok(null), await holder.InvokeAsync(Acquire, default));
        var held = (await LockAsync(prefix))!;
        Assert.Equal(Completion.Ok(null), await liar.InvokeAsync(Acquire, default));
        var after = (await LockAsync(prefix))!;
        Assert.Equal((held.Value, held.ModRevision), (after.Value, after.ModRevision)); // nothing was written
        Assert.Equal(Completion.Ok(null), await liar.InvokeAsync(Release, default));
        Assert.Equal(held.Value, (await LockAsync(prefix))!.Value);
    }

    [Fact]
    public async Task Transfers_move_money_refuse_overdrafts_and_half_transfers_lose_the_credit_in_etcd()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        var settings = new BankSettings { Accounts = 4, InitialBalance = 10 };
        var bank = new EtcdBanks(shared.Endpoints, prefix, settings, OpTimeout, ConnectTimeout, 0, 1);
        await bank.PrepareAsync(default);
        await bank.PrepareAsync(default); // a second prepare finds the accounts open and changes nothing
        await using var client = bank.Create(0);
        Assert.Equal(Balances(10, 10, 10, 10), await ReadAsync(client));

        var transfer = BankWorkload.TransferValue(0, 1, 3);
        Assert.Equal(Completion.Ok(transfer), await client.InvokeAsync(new Invocation(BankWorkload.Transfer, null, transfer), default));
        Assert.Equal(Balances(7, 13, 10, 10), await ReadAsync(client));
        var overdraft = await client.InvokeAsync(new Invocation(BankWorkload.Transfer, null, BankWorkload.TransferValue(0, 2, 8)), default);
        Assert.Equal(new Completion(OpType.Fail, null, "insufficient funds"), overdraft);

        await using var half = new EtcdBanks(shared.Endpoints, prefix, settings, OpTimeout, ConnectTimeout, 1, 1).Create(1);
        Assert.Equal(OpType.Ok, (await half.InvokeAsync(new Invocation(BankWorkload.Transfer, null, BankWorkload.TransferValue(2, 3, 4)), default)).Type);
        Assert.Equal(Balances(7, 13, 6, 10), await ReadAsync(client)); // 4 vanished from etcd
    }

    [Fact]
    public async Task Concurrent_transfers_through_every_member_keep_the_total_and_a_lost_race_is_a_fail()
    {
        var settings = new BankSettings { Accounts = 3, InitialBalance = 10 };
        var bank = new EtcdBanks(shared.Endpoints, SharedEtcdCluster.FreshPrefix(), settings, OpTimeout, ConnectTimeout, 0, 1);
        await bank.PrepareAsync(default);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async w =>
        {
            await using var client = bank.Create(w % 3);
            var random = new Random(w);
            var mine = new List<Completion>();
            for (var i = 0; i < 15; i++)
            {
                var from = random.Next(3);
                mine.Add(await client.InvokeAsync(new Invocation(BankWorkload.Transfer, null, BankWorkload.TransferValue(from, (from + 1) % 3, 1 + random.Next(4))), default));
            }
            return mine;
        }));
        var all = outcomes.SelectMany(o => o).ToList();
        Assert.All(all, c => Assert.NotEqual(OpType.Info, c.Type)); // a healthy cluster answers every txn
        Assert.Contains(all, c => c.Type == OpType.Ok);
        Assert.All(all.Where(c => c.Type == OpType.Fail), c => Assert.True(c.Error is "insufficient funds" || c.Error!.StartsWith("compare failed"), c.Error));
        await using var reader = bank.Create(1);
        var balances = (IDictionary<object, object?>)(await reader.InvokeAsync(new Invocation(BankWorkload.Read, null, null), default)).Value!;
        Assert.Equal(30, balances.Values.Sum(v => (long)v!));
        Assert.All(balances.Values, v => Assert.True((long)v! >= 0));
    }

    static Dictionary<object, object?> Balances(params long[] balances) => BankWorkload.Balances(balances);

    static async Task<Dictionary<object, object?>> ReadAsync(IClient client)
    {
        var read = await client.InvokeAsync(new Invocation(BankWorkload.Read, null, null), default);
        Assert.Equal(OpType.Ok, read.Type);
        return new Dictionary<object, object?>((IDictionary<object, object?>)read.Value!);
    }

    /// <summary>The lock key as etcd holds it now, or null.</summary>
    async Task<Mvccpb.KeyValue?> LockAsync(string prefix)
    {
        var (host, port) = shared.Endpoints[1];
        using var channel = new EtcdChannel(host, port, ConnectTimeout);
        return (await channel.Client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8($"{prefix}/mutex/lock") })).Kvs.SingleOrDefault();
    }
}
