using Checker.Core.History;
using Checker.Runner.Workloads;
using Checker.Databases.Etcd;
using Checker.Runner.Generation;
using Checker.Runner.Nodes;

namespace Checker.Databases.Etcd.Tests;

/// <summary>The register client's outcomes on a real cluster: what the history records when a member dies, refuses, or a compare fails.</summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdOutcomeTests
{
    static EtcdRegisters Registers(LocalEtcdCluster cluster, TimeSpan opTimeout) =>
        new(cluster.Nodes.Select(cluster.Endpoint).ToList(), $"test-{Guid.NewGuid():N}", serializable: false, opTimeout, TimeSpan.FromSeconds(2));

    [Fact]
    public async Task In_flight_writes_to_a_killed_member_are_info_then_refused_requests_fail_and_a_restart_serves_again()
    {
        await using var cluster = await LocalEtcdCluster.StartAsync();
        var n1 = cluster.Nodes[0];
        var registers = Registers(cluster, TimeSpan.FromSeconds(20));
        await using var client = registers.Create(0);
        Assert.Equal(OpType.Ok, (await client.InvokeAsync(new Invocation(RegisterWorkload.Write, 1L, 1L), default)).Type);

        // Frozen, the member holds the requests without answering; SIGKILL then ends it while they are in flight.
        var process = cluster.Db.ProcessOf(n1)!;
        Posix.Signal(process.Pid, (int)NodeSignal.Stop);
        var write = client.InvokeAsync(new Invocation(RegisterWorkload.Write, 1L, 2L), default);
        var cas = client.InvokeAsync(new Invocation(RegisterWorkload.Cas, 1L, new List<object?> { 1L, 3L }), default);
        await Task.Delay(500);
        Assert.False(write.IsCompleted || cas.IsCompleted);
        Posix.Signal(process.Pid, (int)NodeSignal.Kill);

        var writeDone = await write;
        var casDone = await cas;
        Assert.True(writeDone.Type == OpType.Info, $"write: {writeDone}");
        Assert.True(casDone.Type == OpType.Info, $"cas: {casDone}");
        await cluster.Db.KillAsync(n1, default); // reaps the member from the db's books

        // The member is gone: the same client's channel cannot reconnect, so nothing is sent; a new client cannot open.
        var refused = await client.InvokeAsync(new Invocation(RegisterWorkload.Write, 1L, 4L), default);
        Assert.True(refused.Type == OpType.Fail, $"write to a dead member: {refused}");
        Assert.StartsWith("not sent: Unavailable", refused.Error);
        await using (var fresh = registers.Create(0))
        {
            var unopened = await fresh.InvokeAsync(new Invocation(RegisterWorkload.Write, 1L, 4L), default);
            Assert.True(unopened.Type == OpType.Fail, $"write through a new client: {unopened}");
            Assert.StartsWith("connect", unopened.Error);
        }

        // Restarted with its data dir, it rejoins and serves linearizable reads again.
        await cluster.Db.RestartAsync(n1, default);
        await cluster.Db.WaitUntilServingAsync(TimeSpan.FromSeconds(60), default);
        await using var after = registers.Create(0);
        var read = await after.InvokeAsync(new Invocation(RegisterWorkload.Read, 1L, null), default);
        Assert.Equal(OpType.Ok, read.Type);
        Assert.Contains(read.Value, new object?[] { 1L, 2L, 3L }); // the info ops may or may not have happened; 4 was never sent
    }

    [Fact]
    public async Task A_failed_compare_is_fail_a_matching_one_is_ok_and_an_unwritten_key_reads_null()
    {
        await using var cluster = await LocalEtcdCluster.StartAsync();
        var registers = Registers(cluster, TimeSpan.FromSeconds(10));
        await using var client = registers.Create(1);

        Assert.Equal(Completion.Ok(null), await client.InvokeAsync(new Invocation(RegisterWorkload.Read, 0L, null), default));
        var onMissing = await client.InvokeAsync(new Invocation(RegisterWorkload.Cas, 0L, new List<object?> { 0L, 1L }), default);
        Assert.Equal(OpType.Fail, onMissing.Type);
        Assert.Equal(OpType.Ok, (await client.InvokeAsync(new Invocation(RegisterWorkload.Write, 0L, 2L), default)).Type);

        var mismatch = await client.InvokeAsync(new Invocation(RegisterWorkload.Cas, 0L, new List<object?> { 3L, 4L }), default);
        Assert.Equal(OpType.Fail, mismatch.Type);
        Assert.Equal("compare failed", mismatch.Error);
        Assert.Equal(OpType.Ok, (await client.InvokeAsync(new Invocation(RegisterWorkload.Cas, 0L, new List<object?> { 2L, 4L }), default)).Type);
        Assert.Equal(4L, (await client.InvokeAsync(new Invocation(RegisterWorkload.Read, 0L, null), default)).Value);
    }
}
