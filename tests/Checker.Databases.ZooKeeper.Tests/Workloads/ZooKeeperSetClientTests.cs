using Checker.Core.History;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Workloads;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>The set client against a real ensemble: what each op does to the znodes, and how its outcome is recorded.</summary>
[Collection(ZooKeeperClientsCollection.Name)]
[Trait("Tier", "Slow")]
public sealed class ZooKeeperSetClientTests(ZooKeeperEnsemble zk)
{
    ZooKeeperSets Sets(double faultProbability = 0, double requestSeconds = 2) =>
        new(zk.Endpoints, ZooKeeperEnsemble.NewRoot(), ZooKeeperEnsemble.Options(requestSeconds: requestSeconds), faultProbability, seed: 1);

    static Task<Completion> Add(IClient c, long x) => c.InvokeAsync(new Invocation(SetWorkload.Add, null, x), CancellationToken.None);
    static Task<Completion> Read(IClient c) => c.InvokeAsync(new Invocation(SetWorkload.Read, null, null), CancellationToken.None);

    [Fact]
    public async Task Adds_through_one_node_are_read_through_every_node()
    {
        var sets = Sets();
        await sets.PrepareAsync(CancellationToken.None);
        await using var writer = sets.Create(0);
        foreach (var x in new long[] { 1, 2, 3 }) Assert.Equal(Completion.Ok(x), await Add(writer, x));
        for (var node = 0; node < 3; node++)
        {
            await using var reader = sets.Create(node);
            var read = await Read(reader);
            Assert.Equal(OpType.Ok, read.Type);
            Assert.Equal([1L, 2L, 3L], ((IList<object?>)read.Value!).Cast<long>().Order());
        }
        Assert.Equal([1L, 2L, 3L], (await sets.ElementsAsync(CancellationToken.None)).Order());
    }

    [Fact]
    public async Task In_lose_adds_mode_an_add_is_acknowledged_and_never_written()
    {
        var sets = Sets(faultProbability: 1);
        await sets.PrepareAsync(CancellationToken.None);
        await using var client = sets.Create(1);
        Assert.Equal(Completion.Ok(7L), await Add(client, 7));
        Assert.Empty(await sets.ElementsAsync(CancellationToken.None));
        Assert.Empty((IList<object?>)(await Read(client)).Value!);
    }

    [Fact]
    public async Task An_add_to_a_paused_server_is_unknown_and_may_still_happen()
    {
        var sets = Sets(requestSeconds: 1);
        await sets.PrepareAsync(CancellationToken.None);
        await using var client = sets.Create(2);
        Assert.Equal(OpType.Ok, (await Add(client, 1)).Type); // the session is open before the pause
        Completion during = null!;
        await zk.WithPausedAsync(2, async () => during = await Add(client, 2));
        Assert.Equal(OpType.Info, during.Type);
        Assert.Contains("Timeout", during.Error);
        // The paused server still held the request: once resumed it may apply it, which is why the add was not a fail.
        // Whether it does is up to the server, so only the recorded outcome is asserted.
        var after = await sets.ElementsAsync(CancellationToken.None);
        Assert.Contains(1L, after);
    }

    [Fact]
    public async Task An_add_whose_server_is_down_fails_having_sent_nothing()
    {
        var sets = Sets();
        await sets.PrepareAsync(CancellationToken.None);
        await using var client = sets.Create(1);
        Assert.Equal(OpType.Ok, (await Add(client, 1)).Type);
        Completion down = null!, again = null!;
        await zk.WithKilledAsync(1, async () =>
        {
            await client.InvokeAsync(new Invocation(SetWorkload.Read, null, null), CancellationToken.None); // notices the lost connection
            down = await Add(client, 2);
            again = await Add(client, 3);
        });
        Assert.Equal(OpType.Fail, down.Type);
        Assert.Equal(OpType.Fail, again.Type);
        Assert.Equal([1L], await sets.ElementsAsync(CancellationToken.None));
        Assert.Equal(Completion.Ok(4L), await Add(client, 4)); // a new session once the server is back
    }
}
