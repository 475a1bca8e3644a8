using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Databases.Etcd;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Workloads;

namespace Checker.Databases.Etcd.Tests;

/// <summary>
/// The schedule that exposes stale serializable reads: writes through the majority while one
/// follower, cut off from its peers, keeps answering its own clients. Few keys and many writes make
/// the cut-off member fall behind on every key within a second.
/// </summary>
public static class IsolatedFollowerScenario
{
    public sealed record Outcome(CheckResult Check, Node Isolated, IReadOnlyList<Op> History);

    /// <summary>Runs the workload for `before` + `isolated` + `after`; the history also goes to historyPath when given.</summary>
    public static async Task<Outcome> RunAsync(LocalEtcdCluster cluster, bool serializable, int seed, TimeSpan isolated, string? historyPath = null)
    {
        var registers = new EtcdRegisters(cluster.Nodes.Select(cluster.Endpoint).ToList(), $"stale-{Guid.NewGuid():N}",
            serializable, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        var workload = new RegisterWorkload(new RegisterSettings { Keys = 2, Values = 5, ReadWeight = 2, WriteWeight = 2, CasWeight = 0 });
        using var history = historyPath is null ? new HistoryRecorder(null) : HistoryRecorder.ToFile(historyPath);
        var generator = new Generator(new GeneratorOptions(6, cluster.Nodes.Count, 200, TimeSpan.FromSeconds(2), seed), registers, workload, history);
        generator.Start(CancellationToken.None);

        await Task.Delay(1500);
        var leader = await cluster.Db.FindPrimaryAsync(default);
        var follower = cluster.Nodes.First(n => n != leader);
        var others = cluster.Nodes.Where(n => n != follower).Select(n => n.Name).ToList();
        var grudge = Grudge.Between([follower.Name], others);
        // Recorded as the nemesis records its faults, so reports shade the window.
        history.Record(Op.NemesisProcess, OpType.Invoke, "start-partition", "partition-isolate-one");
        await cluster.Network.PartitionAsync(grudge, PartitionMode.Drop, default);
        history.Record(Op.NemesisProcess, OpType.Info, "start-partition", grudge.ToValue());
        await Task.Delay(isolated);
        history.Record(Op.NemesisProcess, OpType.Invoke, "stop-partition", "partition-isolate-one");
        await cluster.Network.HealAsync(default);
        history.Record(Op.NemesisProcess, OpType.Info, "stop-partition", null);
        await Task.Delay(1500);
        await generator.StopAsync();

        var ops = history.Snapshot();
        var check = new LinearizabilityChecker(ModelCatalog.Create("cas-register"),
            new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60), SplitByKey = true }).Check(ops);
        return new Outcome(check, follower, ops);
    }
}
