using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Nodes;

/// <summary>What a provider's nodes are made with: where their folders go, who hears of each process, a log.</summary>
/// <param name="Root">The nodes' folders go under it (it holds the run's id).</param>
/// <param name="OnStart">Hears of every process started, before the run relies on it (the runs registry).</param>
/// <param name="Log">Lines about what the provider does that takes long (an image build).</param>
public sealed record NodeContext(string Root, Action<NodeProcess> OnStart, Action<string> Log);

/// <summary>
/// A node provider, as nodes.provider names it: it owns the fields of the spec's nodes section beyond provider and
/// count (their defaults and their checks), says what its nodes and their network can do before anything starts,
/// makes the nodes (an INodeProvider), and removes what a killed run left on them. Register one in NodeProviders.
/// </summary>
public interface INodeKind
{
    /// <summary>The spec's nodes.provider.</summary>
    string Name { get; }

    /// <summary>Its fields of the nodes section with their defaults.</summary>
    JObject DefaultSettings();

    /// <summary>Checks its fields; throws SpecException naming the field.</summary>
    void Validate(NodesSpec nodes);

    /// <summary>How many nodes the section makes (nodes.count, unless the provider's fields say otherwise).</summary>
    int NodeCount(NodesSpec nodes);

    /// <summary>
    /// The type of the nodes it will make: the capability interfaces that type implements (INodeFreezer, ...) are
    /// what the nodes can have done to them (FaultCapabilities).
    /// </summary>
    Type NodesType(NodesSpec nodes);

    /// <summary>The network its nodes will get.</summary>
    NetworkPlan Network(NodesSpec nodes);

    /// <summary>Where the run's node folders go, on the nodes; the run's id keeps runs apart.</summary>
    string NodesRoot(string runId);

    /// <summary>What `checker clean` needs to reach the nodes once the runner died (no password), or null.</summary>
    JObject? Reach(NodesSpec nodes);

    /// <summary>Makes the nodes (a node that cannot be reached fails it, naming the node).</summary>
    Task<INodeProvider> CreateAsync(NodesSpec nodes, NodeContext context, CancellationToken ct);

    /// <summary>
    /// Removes what a run whose runner is gone left on its nodes: the processes it recorded, its folders, its
    /// network state. Returns false when the nodes cannot be reached: the entry is kept for another try.
    /// </summary>
    Task<bool> CleanAsync(RegisteredRun run, List<string> actions);
}

/// <summary>
/// What every node provider does the same way: its fields are a typed settings class, whose defaults go into the
/// spec and whose problems are spec errors.
/// </summary>
public abstract class NodeKind<TSettings> : INodeKind
    where TSettings : ISpecSettings, new()
{
    public abstract string Name { get; }

    public JObject DefaultSettings() => SpecSections.ToJson(new TSettings());

    public void Validate(NodesSpec nodes)
    {
        if (Settings(nodes).Problem() is { } problem)
            throw new SpecException(problem);
    }

    public int NodeCount(NodesSpec nodes) => NodeCount(nodes, Settings(nodes));

    public Type NodesType(NodesSpec nodes) => NodesType(Settings(nodes));

    public NetworkPlan Network(NodesSpec nodes) => Network(Settings(nodes));

    public virtual string NodesRoot(string runId) => $"/tmp/checker-{runId}";

    public JObject? Reach(NodesSpec nodes) => Reach(Settings(nodes));

    public Task<INodeProvider> CreateAsync(NodesSpec nodes, NodeContext context, CancellationToken ct) =>
        CreateAsync(Settings(nodes), nodes.Count, context, ct);

    public abstract Task<bool> CleanAsync(RegisteredRun run, List<string> actions);

    protected virtual int NodeCount(NodesSpec nodes, TSettings settings) => nodes.Count;

    protected abstract Type NodesType(TSettings settings);

    protected abstract NetworkPlan Network(TSettings settings);

    protected virtual JObject? Reach(TSettings settings) => null;

    protected abstract Task<INodeProvider> CreateAsync(
        TSettings settings,
        int count,
        NodeContext context,
        CancellationToken ct
    );

    /// <summary>The provider's fields of the section, typed.</summary>
    protected static TSettings Settings(NodesSpec nodes) => SpecSections.Read<TSettings>(nodes.Settings, "nodes");
}

/// <summary>A node provider with no fields of its own.</summary>
internal sealed class NoNodeSettings : ISpecSettings
{
    public string? Problem() => null;
}
