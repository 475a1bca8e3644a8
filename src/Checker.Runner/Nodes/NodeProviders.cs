using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Nodes;

/// <summary>
/// The node providers a spec may name in nodes.provider. The lifecycle knows none: the program that runs tests
/// registers each (one line each; the checker command's are in its BuiltIns).
/// </summary>
public static class NodeProviders
{
    static readonly List<INodeKind> registered = [];
    static readonly object gate = new();

    public static IReadOnlyList<INodeKind> All
    {
        get
        {
            lock (gate)
                return registered.ToList();
        }
    }

    public static IReadOnlyList<string> Kinds => All.Select(k => k.Name).ToList();

    public static INodeKind? Find(string? name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The provider spec names (checked by the validator: it exists).</summary>
    public static INodeKind Of(NodesSpec spec) =>
        Find(spec.Provider)
        ?? throw new SpecException($"field 'nodes.provider' '{spec.Provider}' is not a node provider");

    /// <summary>
    /// Adds a provider; each name once. Registering the same type again changes nothing (a program and a library
    /// it loads may both register the built-in providers); another provider under a name taken fails.
    /// </summary>
    public static void Register(INodeKind kind)
    {
        lock (gate)
        {
            var taken = registered.FirstOrDefault(k => k.Name == kind.Name);
            if (taken is not null && taken.GetType() == kind.GetType())
                return;
            if (taken is not null)
                throw new InvalidOperationException($"a node provider '{kind.Name}' is registered already");
            registered.Add(kind);
        }
    }

    /// <summary>A field of the provider's, as given or by default; null when the provider has no such field.</summary>
    public static JToken? Field(NodesSpec spec, string name) =>
        spec.Settings.TryGetValue(name, out var given) ? given : Find(spec.Provider)?.DefaultSettings()[name];

    /// <summary>
    /// Checks the nodes section: a known provider, and only its fields (a field of another provider is named as
    /// such), with values it accepts.
    /// </summary>
    public static void Validate(NodesSpec spec)
    {
        var kind = Find(spec.Provider)
            ?? throw new SpecException(
                $"field 'nodes.provider' '{spec.Provider}' is not a node provider (known: {string.Join(", ", Kinds)})"
            );
        var own = kind.DefaultSettings();
        foreach (var field in spec.Settings.Keys.Where(k => own.Property(k) is null))
        {
            var owner = All.FirstOrDefault(k => k.DefaultSettings().Property(field) is not null);
            throw new SpecException(
                owner is null
                    ? $"unknown field 'nodes.{field}'"
                    : $"field 'nodes.{field}' is only for the {owner.Name} provider"
            );
        }
        kind.Validate(spec);
    }

    /// <summary>
    /// The provider for the spec's nodes, its nodes made (reached, for remote ones, before this returns). Nodes'
    /// directories go under root, which holds the run's name, and every process started is reported to onStart.
    /// </summary>
    public static Task<INodeProvider> CreateAsync(
        NodesSpec spec,
        string root,
        Action<NodeProcess> onStart,
        CancellationToken ct,
        Action<string>? log = null
    ) => Of(spec).CreateAsync(spec, new NodeContext(root, onStart, log ?? (_ => { })), ct);
}
