using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;

namespace Checker.Runner.Faults;

/// <summary>
/// What a test's database, nodes and network can have done to them: the one source the fault table asks. The
/// database's and the nodes' abilities follow from the interfaces their types implement (IKillableDb,
/// IPausableDb, IPrimaryDb, INodeFreezer); the network's are what it says it can do.
/// </summary>
/// <param name="DbName">The database suite's name, for messages.</param>
/// <param name="NodesKind">The nodes' name ("local", "docker"), for messages.</param>
/// <param name="NetworkKind">The network's name ("proxy", "iptables"), for messages.</param>
public sealed record Capabilities(
    DbNeeds Db,
    NodeNeeds Nodes,
    NetworkAbilities Network,
    string DbName = "the database",
    string NodesKind = "these",
    string NetworkKind = "this"
)
{
    /// <summary>What a database of this type can do.</summary>
    public static DbNeeds OfDb(Type db) =>
        (Implements<IKillableDb>(db) ? DbNeeds.Kill : DbNeeds.None)
        | (Implements<IPausableDb>(db) ? DbNeeds.Pause : DbNeeds.None)
        | (Implements<IPrimaryDb>(db) ? DbNeeds.Primary : DbNeeds.None);

    /// <summary>What nodes of this type can have done to them beyond their database's processes.</summary>
    public static NodeNeeds OfNodes(Type nodes) => Implements<INodeFreezer>(nodes) ? NodeNeeds.Freeze : NodeNeeds.None;

    /// <summary>What the spec's test will be able to do, known before anything starts (no network probed).</summary>
    public static Capabilities Planned(IDatabaseSuite suite, NodesSpec nodes)
    {
        var provider = NodeProviders.Of(nodes);
        var network = provider.Network(nodes);
        return new(
            OfDb(suite.DbType),
            OfNodes(provider.NodesType(nodes)),
            network.Abilities,
            suite.Name,
            nodes.Provider,
            network.Kind
        );
    }

    /// <summary>What the test can do once its nodes and network are up (the network has probed the kernels).</summary>
    public static Capabilities Of(IDatabaseSuite suite, INodeProvider nodes, INetwork network) =>
        new(OfDb(suite.DbType), OfNodes(nodes.GetType()), network.Abilities, suite.Name, nodes.Kind, network.Kind);

    static bool Implements<T>(Type type) => typeof(T).IsAssignableFrom(type);
}

/// <summary>
/// What the nemesis acts on, each capability asked for by the interface that gives it: a fault the table let
/// through finds it here; one it should not have let through is an error naming what is missing.
/// </summary>
internal sealed class FaultTargets(IDb db, INodeProvider nodes, INetwork network)
{
    public INetwork Network => network;

    public IKillableDb Killable => Ask<IKillableDb>(db, "kill and restart nodes");

    public IPausableDb Pausable => Ask<IPausableDb>(db, "pause nodes");

    public IPrimaryDb Primary => Ask<IPrimaryDb>(db, "name a leader");

    public INodeFreezer Freezer => Ask<INodeFreezer>(nodes, "freeze nodes whole");

    /// <summary>What these targets can do, from the same interfaces.</summary>
    public Capabilities Capabilities =>
        new(
            Capabilities.OfDb(db.GetType()),
            Capabilities.OfNodes(nodes.GetType()),
            network.Abilities,
            NodesKind: nodes.Kind,
            NetworkKind: network.Kind
        );

    static T Ask<T>(object target, string what)
        where T : class =>
        target as T
        ?? throw new NotSupportedException($"a fault needs to {what}, which {target.GetType().Name} cannot");
}
