using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;

namespace Checker.Runner.Databases.Etcd;

/// <summary>etcd 3.4: a static cluster of one member per node, and registers as keys, through dotnet-etcd.</summary>
public sealed class EtcdSuite : DatabaseSuite<EtcdSettings, EtcdRegisterSettings>
{
    public override string Name => "etcd";

    public override DbNeeds Capabilities => DbNeeds.Kill | DbNeeds.Pause | DbNeeds.Primary;

    public override PeerPorts PeerPorts { get; } = new([EtcdDb.PeerPort]);

    public override DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        var settings = DbSettings(spec);
        var workload = WorkloadSettings(spec);
        var candidate = spec.Db.Install ?? (Environment.GetEnvironmentVariable("ETCD_BIN") is { Length: > 0 } bin ? bin : null);
        var db = new EtcdDb(settings, candidate, TimeSpan.FromSeconds(spec.Db.StartTimeout), nodes, network, run.RunId, run.Log);
        var clients = new EtcdRegisters(nodes.Nodes.Select(db.ClientEndpoint).ToList(), $"/checker/{run.RunId}", workload.SerializableReads,
            TimeSpan.FromSeconds(spec.Client.OpTimeout), TimeSpan.FromSeconds(spec.Client.ConnectTimeout));
        return new DbPlan(db, clients, new RegisterWorkload(workload), r => Explain(r, workload));
    }

    /// <summary>Adds to a stale read what etcd promises: serializable reads may be stale, linearizable ones may not.</summary>
    static CheckResult Explain(CheckResult r, EtcdRegisterSettings workload)
    {
        if (RegisterWorkload.StaleRead(r) is not { } staleRead) return r;
        var summary = r.Summary + "\n" + staleRead;
        if (workload.SerializableReads)
            summary += "\nreads were serializable (workload.serializableReads true): etcd lets any member answer them from its own state, " +
                       "so a stale read here is etcd's documented behaviour, not necessarily a bug; rerun with serializableReads false";
        return r with { Summary = summary };
    }
}
