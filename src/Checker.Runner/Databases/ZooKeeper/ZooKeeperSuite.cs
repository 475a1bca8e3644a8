using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Runner.Databases.ZooKeeper;

/// <summary>ZooKeeper 3.8: an ensemble of one server per node, and registers as znodes.</summary>
public sealed class ZooKeeperSuite : DatabaseSuite<ZooKeeperSettings, ZooKeeperRegisterSettings>
{
    public override string Name => "zookeeper";

    public override DbNeeds Capabilities => DbNeeds.Kill | DbNeeds.Pause | DbNeeds.Primary;

    public override PeerPorts PeerPorts { get; } = new([ZooKeeperDb.QuorumPort, ZooKeeperDb.ElectionPort], ZooKeeperDb.HandshakeFor);

    public override DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        var settings = DbSettings(spec);
        var workload = WorkloadSettings(spec);
        var candidate = spec.Db.Install ?? (Environment.GetEnvironmentVariable("ZOOKEEPER_HOME") is { Length: > 0 } home ? home : null);
        var db = new ZooKeeperDb(settings, spec.Db, candidate, nodes, network, run.RunId, run.Log);
        var options = new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(settings.SessionTimeout),
            RequestTimeout = TimeSpan.FromSeconds(spec.Client.OpTimeout),
            ConnectTimeout = TimeSpan.FromSeconds(spec.Client.ConnectTimeout),
        };
        var clients = new ZooKeeperRegisters(nodes.Nodes.Select(db.ClientEndpoint).ToList(), $"/checker/{run.RunId}", workload.Keys, workload.SyncReads, options);
        return new DbPlan(db, clients, new RegisterWorkload(workload), r => Explain(r, workload));
    }

    /// <summary>Adds to a stale read what ZooKeeper promises: plain reads may be stale, synced ones may not.</summary>
    static CheckResult Explain(CheckResult r, ZooKeeperRegisterSettings workload)
    {
        if (RegisterWorkload.StaleRead(r) is not { } staleRead) return r;
        var summary = r.Summary + "\n" + staleRead;
        if (!workload.SyncReads)
            summary += "\nreads were plain (workload.syncReads false): ZooKeeper lets followers serve stale reads, " +
                       "so a stale read here is ZooKeeper's documented behaviour, not necessarily a bug; rerun with syncReads true";
        return r with { Summary = summary };
    }
}
