using Checker.Core.Checks;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Databases;

/// <summary>
/// One database's slice of Checker: its spec fields, its server, its clients for each workload it
/// supports, and what it can do. It turns a spec into the parts of a test plan; the runner does the rest.
/// </summary>
public interface IDatabaseSuite
{
    /// <summary>The spec's db.name.</summary>
    string Name { get; }

    /// <summary>
    /// The type of its database: the capability interfaces it implements (IKillableDb, ...) are what the database
    /// can do, for refusing faults before anything starts (Capabilities.OfDb).
    /// </summary>
    Type DbType { get; }

    /// <summary>The workloads it has clients for.</summary>
    IReadOnlyList<string> Workloads { get; }

    /// <summary>Its own db fields with their defaults (the spec's db section beyond name, install and
    /// startTimeout).</summary>
    JObject DefaultSettings();

    /// <summary>The workload's fields with their defaults, as this database runs it.</summary>
    JObject DefaultWorkloadSettings(string workload);

    /// <summary>Checks its fields (db and workload settings); throws SpecException naming the field.</summary>
    void Validate(TestSpec spec);

    /// <summary>The ports its nodes talk to each other on (the network cuts those), and how a proxy must rewrite
    /// them.</summary>
    PeerPorts PeerPorts { get; }

    /// <summary>Builds the database, the clients and the workload on the given nodes and network. Starts
    /// nothing.</summary>
    DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run);
}

/// <summary>What a suite adds to a test plan.</summary>
/// <param name="Db">The database on the nodes.</param>
/// <param name="Clients">Makes each worker's client; PrepareAsync runs once the database serves.</param>
/// <param name="Workload">The operations, the final phase and the checkers.</param>
/// <param name="Explain">Adds what a checker's result means for this database (e.g. a stale read it allows); identity
/// by default.</param>
public sealed record DbPlan(
    IDb Db,
    IClientFactory Clients,
    IWorkload Workload,
    Func<CheckResult, CheckResult>? Explain = null
);

/// <summary>What the suite may use of the run: its id, where node files go, the log and the seed.</summary>
public sealed record RunContext(string RunId, string NodesRoot, int Seed, Action<string> Log);
