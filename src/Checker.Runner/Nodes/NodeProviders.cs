using Checker.Runner.Spec;

namespace Checker.Runner.Nodes;

/// <summary>Makes the node provider a spec names.</summary>
public static class NodeProviders
{
    public static readonly IReadOnlyList<string> Kinds = ["local"];

    /// <summary>The provider for spec.Nodes; nodes' directories go under root, and every process started is reported to onStart.</summary>
    public static INodeProvider Create(NodesSpec spec, string root, Action<NodeProcess> onStart) => spec.Provider switch
    {
        "local" => LocalNodeProvider.Create(spec.Count, root, onStart),
        _ => throw new NotSupportedException($"no node provider '{spec.Provider}'"),
    };
}
