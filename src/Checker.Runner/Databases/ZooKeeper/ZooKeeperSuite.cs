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

/// <summary>ZooKeeper 3.8: an ensemble of one server per node; each workload's objects are znodes under /checker/run-id.</summary>
public sealed class ZooKeeperSuite : DatabaseSuite<ZooKeeperSettings, ZooKeeperDb>
{
    public override string Name => "zookeeper";

    public override DbNeeds Capabilities => DbNeeds.Kill | DbNeeds.Pause | DbNeeds.Primary;

    public override PeerPorts PeerPorts { get; } = new([ZooKeeperDb.QuorumPort, ZooKeeperDb.ElectionPort], ZooKeeperDb.HandshakeFor);

    protected override IReadOnlyList<SuiteWorkload<ZooKeeperDb>> WorkloadTable { get; } =
    [
        SuiteWorkload<ZooKeeperDb>.Of<ZooKeeperRegisterSettings>("register", (w, c) =>
            new(new ZooKeeperRegisters(Endpoints(c), Root(c), w.Keys, w.SyncReads, ClientOptions(c)), new RegisterWorkload(w), r => Explain(r, w))),
    ];

    protected override ZooKeeperDb CreateDb(ZooKeeperSettings settings, TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        var candidate = spec.Db.Install ?? (Environment.GetEnvironmentVariable("ZOOKEEPER_HOME") is { Length: > 0 } home ? home : null);
        return new ZooKeeperDb(settings, spec.Db, candidate, nodes, network, run.RunId, run.Log);
    }

    /// <summary>Each node's client address and port.</summary>
    static List<(string Host, int Port)> Endpoints(WorkloadContext<ZooKeeperDb> c) => c.Nodes.Nodes.Select(c.Db.ClientEndpoint).ToList();

    /// <summary>The znode under which this run's objects live.</summary>
    static string Root(WorkloadContext<ZooKeeperDb> c) => $"/checker/{c.Run.RunId}";

    /// <summary>The session and request timeouts from the db and client sections.</summary>
    static ZooKeeperClientOptions ClientOptions(WorkloadContext<ZooKeeperDb> c) => new()
    {
        SessionTimeout = TimeSpan.FromSeconds(c.Db.SessionTimeout),
        RequestTimeout = TimeSpan.FromSeconds(c.Spec.Client.OpTimeout),
        ConnectTimeout = TimeSpan.FromSeconds(c.Spec.Client.ConnectTimeout),
    };

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
