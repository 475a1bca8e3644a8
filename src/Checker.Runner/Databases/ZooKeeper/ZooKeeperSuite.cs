using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Databases.ZooKeeper;

/// <summary>ZooKeeper 3.8: an ensemble of one server per node, and registers as znodes.</summary>
public sealed class ZooKeeperSuite : IDatabaseSuite
{
    public string Name => "zookeeper";

    public DbNeeds Capabilities => DbNeeds.Kill | DbNeeds.Pause | DbNeeds.Primary;

    public IReadOnlyList<string> Workloads => ["register"];

    public JObject DefaultSettings() => SpecSections.ToJson(new ZooKeeperSettings());

    public JObject DefaultWorkloadSettings(string workload) => SpecSections.ToJson(new ZooKeeperRegisterSettings());

    public void Validate(TestSpec spec)
    {
        var problem = SpecSections.Read<ZooKeeperSettings>(spec.Db.Settings, "db").Problem()
                      ?? SpecSections.Read<ZooKeeperRegisterSettings>(spec.Workload.Settings, "workload").Problem();
        if (problem is not null) throw new SpecException(problem);
    }

    public PeerPorts PeerPorts { get; } = new([ZooKeeperDb.QuorumPort, ZooKeeperDb.ElectionPort], ZooKeeperDb.HandshakeFor);

    public DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        var settings = SpecSections.Read<ZooKeeperSettings>(spec.Db.Settings, "db");
        var workload = SpecSections.Read<ZooKeeperRegisterSettings>(spec.Workload.Settings, "workload");
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
        if (r.Verdict != Verdict.Invalid || r.Details is not LinearizabilityReport { Failure: { } f } || f.Failed.F != RegisterWorkload.Read) return r;
        var summary = r.Summary + $"\nstale read: process {f.Failed.Process} read {Values.Format(f.Failed.Output)} from key {Values.Format(f.Key)} " +
                      $"(op {f.Failed.InvokeIndex}), but by then the register could only hold {string.Join(" or ", f.States)}";
        if (!workload.SyncReads)
            summary += "\nreads were plain (workload.syncReads false): ZooKeeper lets followers serve stale reads, " +
                       "so a stale read here is ZooKeeper's documented behaviour, not necessarily a bug; rerun with syncReads true";
        return r with { Summary = summary };
    }
}
