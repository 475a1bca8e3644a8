using Checker.Core.History;
using Checker.Databases.Etcd;
using Checker.Runner.Workloads;

namespace Checker.Databases.Etcd.Tests;

/// <summary>The set and queue clients against a real cluster: what etcd holds after each op, and what the history records.</summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdSetQueueClientTests(SharedEtcdCluster shared) : IClassFixture<SharedEtcdCluster>
{
    static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Adds_are_keys_a_read_is_every_element_and_lose_adds_acknowledges_without_writing()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        await using var client = new EtcdSets(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 0, 1).Create(0);
        Assert.Empty((IList<object?>)(await client.InvokeAsync(new Invocation(SetWorkload.Read, null, null), default)).Value!);
        foreach (var x in new long[] { 3, 1, 12 })
            Assert.Equal(Completion.Ok(x), await client.InvokeAsync(new Invocation(SetWorkload.Add, null, x), default));

        await using var lossy = new EtcdSets(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 1, 1).Create(1);
        Assert.Equal(Completion.Ok(7L), await lossy.InvokeAsync(new Invocation(SetWorkload.Add, null, 7L), default)); // acknowledged...

        // ...but never written: through another member, the set holds exactly the three real adds, and so do etcd's keys.
        await using var reader = new EtcdSets(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 0, 1).Create(2);
        var read = await reader.InvokeAsync(new Invocation(SetWorkload.Read, null, null), default);
        Assert.Equal(OpType.Ok, read.Type);
        Assert.Equal(new long[] { 1, 3, 12 }, ((IList<object?>)read.Value!).Cast<long>().Order());
        Assert.Equal([$"{prefix}/set/1", $"{prefix}/set/12", $"{prefix}/set/3"], await KeysAsync(shared, $"{prefix}/set/"));
    }

    [Fact]
    public async Task Dequeues_take_the_oldest_once_each_and_an_empty_queue_fails_empty()
    {
        var queues = new EtcdQueues(shared.Endpoints, SharedEtcdCluster.FreshPrefix(), OpTimeout, ConnectTimeout, 0, 1);
        await using var client = queues.Create(0);
        Assert.Equal(new Completion(OpType.Fail, null, QueueWorkload.Empty), await client.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default));
        foreach (var x in new long[] { 30, 10, 20 }) // order of enqueue, not of value
            Assert.Equal(Completion.Ok(x), await client.InvokeAsync(new Invocation(QueueWorkload.Enqueue, null, x), default));
        await using var other = queues.Create(1);
        Assert.Equal(Completion.Ok(30L), await other.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default));
        Assert.Equal(Completion.Ok(10L), await client.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default));
        Assert.Equal(Completion.Ok(20L), await other.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default));
        Assert.Equal(QueueWorkload.Empty, (await client.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default)).Error);
    }

    [Fact]
    public async Task Concurrent_dequeues_through_every_member_deliver_each_element_exactly_once()
    {
        var queues = new EtcdQueues(shared.Endpoints, SharedEtcdCluster.FreshPrefix(), OpTimeout, ConnectTimeout, 0, 1);
        await using (var producer = queues.Create(0))
            for (long x = 1; x <= 40; x++) Assert.Equal(OpType.Ok, (await producer.InvokeAsync(new Invocation(QueueWorkload.Enqueue, null, x), default)).Type);

        var taken = await Task.WhenAll(Enumerable.Range(0, 6).Select(async w =>
        {
            await using var consumer = queues.Create(w % 3);
            var mine = new List<long>();
            while (true)
            {
                var done = await consumer.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default);
                if (done.Error == QueueWorkload.Empty) return mine;
                Assert.True(done.Type == OpType.Ok, $"dequeue: {done}"); // nothing here may be unknown: the cluster is healthy
                mine.Add((long)done.Value!);
            }
        }));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), taken.SelectMany(t => t).Order());
    }

    [Fact]
    public async Task Deliver_twice_answers_the_oldest_element_and_leaves_it_in_etcd()
    {
        var prefix = SharedEtcdCluster.FreshPrefix();
        await using var twice = new EtcdQueues(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 1, 1).Create(0);
        await using var honest = new EtcdQueues(shared.Endpoints, prefix, OpTimeout, ConnectTimeout, 0, 1).Create(1);
        Assert.Equal(OpType.Ok, (await honest.InvokeAsync(new Invocation(QueueWorkload.Enqueue, null, 5L), default)).Type);
        Assert.Equal(Completion.Ok(5L), await twice.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default));
        Assert.Equal([$"{prefix}/queue/5"], await KeysAsync(shared, $"{prefix}/queue/"));
        Assert.Equal(Completion.Ok(5L), await honest.InvokeAsync(new Invocation(QueueWorkload.Dequeue, null, null), default)); // delivered again
        Assert.Empty(await KeysAsync(shared, $"{prefix}/queue/"));
    }

    /// <summary>The keys under a prefix, read straight from etcd (a linearizable range through member 1).</summary>
    internal static async Task<List<string>> KeysAsync(SharedEtcdCluster shared, string prefix)
    {
        var (host, port) = shared.Endpoints[0];
        using var channel = new EtcdChannel(host, port, ConnectTimeout);
        var range = EtcdWorkerClient.RangeOver(prefix);
        range.KeysOnly = true;
        return (await channel.Client.GetAsync(range)).Kvs.Select(kv => kv.Key.ToStringUtf8()).ToList();
    }
}
