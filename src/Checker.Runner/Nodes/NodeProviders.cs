using Checker.Runner.Nodes.Docker;
using Checker.Runner.Nodes.Ssh;
using Checker.Runner.Spec;

namespace Checker.Runner.Nodes;

/// <summary>Makes the node provider a spec names.</summary>
public static class NodeProviders
{
    public static readonly IReadOnlyList<string> Kinds = ["local", "ssh", "docker"];

    /// <summary>What the spec's nodes can have done to them beyond their database's processes: containers can be frozen whole.</summary>
    public static Faults.NodeNeeds AbilitiesFor(NodesSpec spec) => spec.Provider == "docker" ? Faults.NodeNeeds.Freeze : Faults.NodeNeeds.None;

    /// <summary>
    /// The provider for spec.Nodes: local processes, or hosts over SSH (connected before this returns;
    /// a host that cannot be reached fails it, naming the host). Nodes' directories go under root, which
    /// holds the run's name, and every process started is reported to onStart. Docker nodes say through
    /// log what they do to get their image (a build takes minutes).
    /// </summary>
    public static async Task<INodeProvider> CreateAsync(NodesSpec spec, string root, Action<NodeProcess> onStart, CancellationToken ct, Action<string>? log = null) => spec.Provider switch
    {
        "local" when spec.Isolation == "netns" => await NetnsNodeProvider.CreateAsync(spec.Count, root, onStart, ct),
        "local" => LocalNodeProvider.Create(spec.Count, root, onStart),
        "ssh" => await SshNodeProvider.ConnectAsync(SshOptionsOf(spec, root), ct, onStart),
        "docker" => await DockerNodeProvider.CreateAsync(new DockerNodeOptions(spec.Count, root, spec.Image), onStart, log ?? (_ => { }), ct),
        _ => throw new NotSupportedException($"no node provider '{spec.Provider}'"),
    };

    public static SshOptions SshOptionsOf(NodesSpec spec, string root) => new()
    {
        Hosts = spec.Hosts,
        User = spec.User,
        Port = spec.Port,
        PrivateKey = spec.PrivateKey,
        Password = spec.Password,
        KnownHosts = spec.KnownHosts ?? SshOptions.DefaultKnownHosts,
        AcceptNew = spec.AcceptNew,
        Sudo = spec.Sudo,
        ConnectTimeout = TimeSpan.FromSeconds(spec.ConnectTimeout),
        NodesRoot = root,
    };
}
