using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Databases.Etcd;
using Checker.Runner.Databases;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Workloads;
using Xunit.Abstractions;

namespace Checker.Databases.Etcd.Tests;

/// <summary>A real local etcd cluster: leader finding through the proxy links, logs, a register run checked for linearizability.</summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdClusterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task The_leader_is_found_and_a_new_one_is_found_once_the_old_one_is_cut_off_from_its_peers(int members)
    {
        await using var cluster = await LocalEtcdCluster.StartAsync(members);
        output.WriteLine($"{members} members: start to serving {cluster.StartToServing.TotalSeconds:0.00}s");
        var leader = await cluster.Db.FindPrimaryAsync(default);
        Assert.NotNull(leader);

        // The partition acts only on the proxy links (disposing the cluster removes it), so a new leader proves peer traffic goes through them.
        var others = cluster.Nodes.Where(n => n != leader).Select(n => n.Name).ToList();
        await cluster.Network.PartitionAsync(Grudge.Between([leader.Name], others), PartitionMode.Drop, default);
        Node? next = null;
        for (var i = 0; i < 150 && (next is null || next == leader); i++)
        {
            await Task.Delay(200);
            next = await cluster.Db.FindPrimaryAsync(default);
        }
        Assert.NotNull(next);
        Assert.NotEqual(leader, next);
        Assert.Contains(next.Name, others);
        await cluster.Network.HealAsync(default);
    }

    [Fact]
    public async Task Logs_and_hosts_files_are_collected_for_every_member()
    {
        await using var cluster = await LocalEtcdCluster.StartAsync();
        var dir = Directory.CreateTempSubdirectory("checker-etcd-logs-").FullName;
        try
        {
            await cluster.Db.CollectLogsAsync(dir, default);
            foreach (var node in cluster.Nodes)
            {
                var log = File.ReadAllText(Path.Combine(dir, node.Name, EtcdDb.LogName));
                Assert.Contains($"\"name\":\"{node.Name}\"", log.Replace(" ", ""));
                var hosts = File.ReadAllText(Path.Combine(dir, node.Name, "hosts"));
                foreach (var peer in cluster.Nodes.Where(p => p != node))
                    Assert.Contains($"127.{cluster.Provider.Subnet}.{node.Id}.{peer.Id} {peer.Name}.etcd-peer", hosts);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task A_register_run_through_a_kill_a_partition_and_a_pause_is_linearizable()
    {
        await using var cluster = await LocalEtcdCluster.StartAsync();
        output.WriteLine($"3 members: start to serving {cluster.StartToServing.TotalSeconds:0.00}s");
        var registers = new EtcdRegisters(cluster.Nodes.Select(cluster.Endpoint).ToList(), $"run-{Guid.NewGuid():N}",
            serializable: false, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
        var workload = new RegisterWorkload(new RegisterSettings { Keys = 4, Values = 5 });
        using var history = new HistoryRecorder(null);
        var generator = new Generator(new GeneratorOptions(6, cluster.Nodes.Count, 200, TimeSpan.FromSeconds(3), Seed: 11), registers, workload, history);
        using var stop = new CancellationTokenSource();
        generator.Start(stop.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Task.Delay(2000);
        var killedAt = history.Snapshot().Count;
        var victim = cluster.Nodes[2];
        await cluster.Db.KillAsync(victim, default);
        await Task.Delay(2000);
        await cluster.Db.RestartAsync(victim, default);
        var leader = await cluster.Db.FindPrimaryAsync(default) ?? cluster.Nodes[0];
        await cluster.Network.PartitionAsync(Grudge.Between([leader.Name], cluster.Nodes.Where(n => n != leader).Select(n => n.Name)), PartitionMode.Blackhole, default);
        await Task.Delay(3000);
        await cluster.Network.HealAsync(default);
        var paused = cluster.Nodes[1];
        await cluster.Db.PauseAsync(paused, default);
        await Task.Delay(1500);
        await cluster.Db.ResumeAsync(paused, default);
        var resumedAt = history.Snapshot().Count;
        // However long the cluster takes to come back on this machine: run until it serves again (a minute at most).
        using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            while (!history.Snapshot().Skip(resumedAt).Any(o => o.Type == OpType.Ok) && !guard.IsCancellationRequested)
                await Task.Delay(100);
        await Task.Delay(1000);
        generator.Phase = Phase.Final;
        await Task.Delay(1000);
        await generator.StopAsync();
        var seconds = clock.Elapsed.TotalSeconds;

        var ops = history.Snapshot();
        var (ok, fail, info) = history.Counts;
        output.WriteLine($"{ok} ok, {fail} fail, {info} info over {seconds:0.0} s: {ok / seconds:0} ok ops/s");
        foreach (var g in ops.Where(o => o.Type is OpType.Fail or OpType.Info).GroupBy(o => $"{o.Type} {o.F}: {o.Error}").OrderByDescending(g => g.Count()).Take(12))
            output.WriteLine($"{g.Count(),5} {g.Key}");
        // Whatever the machine's speed: the cluster served before the first fault and again after the last.
        Assert.Contains(ops.Take(killedAt), o => o.Type == OpType.Ok);
        Assert.Contains(ops.Skip(resumedAt), o => o.Type == OpType.Ok);
        var check = new LinearizabilityChecker(ModelCatalog.Create("cas-register"),
            new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60), SplitByKey = true }).Check(ops);
        Assert.True(check.Verdict == Verdict.Valid, check.Summary);
    }
}
