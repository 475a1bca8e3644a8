using Checker.Core.History;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Workloads;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>The queue client against a real ensemble.</summary>
[Collection(ZooKeeperClientsCollection.Name)]
[Trait("Tier", "Slow")]
public sealed class ZooKeeperQueueClientTests(ZooKeeperEnsemble zk)
{
    ZooKeeperQueues Queues(double faultProbability = 0) =>
        new(zk.Endpoints, ZooKeeperEnsemble.NewRoot(), ZooKeeperEnsemble.Options(), faultProbability, seed: 1);

    static Task<Completion> Enqueue(IClient c, long x) => c.InvokeAsync(new Invocation(QueueWorkload.Enqueue, null, x), CancellationToken.None);
    static Task<Completion> Dequeue(IClient c) => c.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), CancellationToken.None);

    [Fact]
    public async Task Dequeues_take_the_oldest_element_first_then_fail_empty()
    {
        var queues = Queues();
        await queues.PrepareAsync(CancellationToken.None);
        await using var producer = queues.Create(0);
        await using var consumer = queues.Create(1);
        foreach (var x in new long[] { 30, 10, 20 }) Assert.Equal(Completion.Ok(x), await Enqueue(producer, x));
        Assert.Equal([30L, 10L, 20L], await queues.ElementsAsync(CancellationToken.None));
        foreach (var x in new long[] { 30, 10, 20 }) Assert.Equal(Completion.Ok(x), await Dequeue(consumer));
        Assert.Equal(Completion.Fail(QueueWorkload.Empty), await Dequeue(consumer));
        Assert.Empty(await queues.ElementsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Racing_dequeues_through_every_node_take_each_element_exactly_once()
    {
        var queues = Queues();
        await queues.PrepareAsync(CancellationToken.None);
        await using (var producer = queues.Create(0))
            for (long x = 1; x <= 30; x++) Assert.Equal(OpType.Ok, (await Enqueue(producer, x)).Type);

        var consumers = Enumerable.Range(0, 6).Select(i => queues.Create(i % 3)).ToList();
        var taken = await Task.WhenAll(consumers.Select(async c =>
        {
            var mine = new List<long>();
            while (true)
            {
                var done = await Dequeue(c);
                if (done.Type == OpType.Fail && done.Error == QueueWorkload.Empty) return mine;
                Assert.Equal(OpType.Ok, done.Type);
                mine.Add((long)done.Value!);
            }
        }));
        foreach (var c in consumers) await c.DisposeAsync();
        Assert.Equal(Enumerable.Range(1, 30).Select(x => (long)x), taken.SelectMany(t => t).Order());
    }

    [Fact]
    public async Task In_deliver_twice_mode_a_dequeue_leaves_its_element_in_the_queue()
    {
        var queues = Queues(faultProbability: 1);
        await queues.PrepareAsync(CancellationToken.None);
        await using var client = queues.Create(2);
        Assert.Equal(OpType.Ok, (await Enqueue(client, 5)).Type);
        Assert.Equal(Completion.Ok(5L), await Dequeue(client));
        Assert.Equal([5L], await queues.ElementsAsync(CancellationToken.None));
        Assert.Equal(Completion.Ok(5L), await Dequeue(client)); // delivered again
    }

    [Fact]
    public async Task A_dequeue_whose_server_is_down_fails_and_takes_nothing()
    {
        var queues = Queues();
        await queues.PrepareAsync(CancellationToken.None);
        await using var client = queues.Create(1);
        Assert.Equal(OpType.Ok, (await Enqueue(client, 1)).Type);
        Completion down = null!;
        await zk.WithKilledAsync(1, async () => down = await Dequeue(client)); // it fails on the sync or the listing, before any delete
        Assert.Equal(OpType.Fail, down.Type);
        Assert.Equal([1L], await queues.ElementsAsync(CancellationToken.None));
    }
}
