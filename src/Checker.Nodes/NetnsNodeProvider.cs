using Checker.Nodes.Hosts;
using Checker.Nodes.Net;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Nodes;

/// <summary>
/// Local processes, each node in a network namespace of its own on a per-run bridge (addresses
/// 127.S.1.k, route_localnet everywhere): the same processes as local nodes, but faulted by the
/// kernel (iptables in each namespace), so a partition is a real partition. Needs root. The bridge's
/// state file sits beside the nodes' root (StateFileOf), outliving the nodes' folders until the bridge
/// is gone, so `checker clean` can remove what a killed runner left.
/// </summary>
public sealed class NetnsNodeProvider : INodeProvider, INodeShell
{
    /// <summary>The names of the bridge, veths and namespaces of the nodes under root begin with this (they are found
    /// by it).</summary>
    public static string PrefixOf(string root) =>
        "ck"
        + Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root)))
        )[..4];

    /// <summary>Where the bridge of the nodes under root records what it made.</summary>
    public static string StateFileOf(string root) => Path.TrimEndingDirectorySeparator(root) + ".hosts.json";

    readonly LocalNodeProvider processes;
    readonly HostBridge bridge;
    readonly IReadOnlyDictionary<string, NetNamespace> namespaces;

    NetnsNodeProvider(
        LocalNodeProvider processes,
        HostBridge bridge,
        IReadOnlyDictionary<string, NetNamespace> namespaces
    )
    {
        this.processes = processes;
        this.bridge = bridge;
        this.namespaces = namespaces;
    }

    public string Kind => "netns";

    /// <summary>Every node is a process on this machine, sharing its packages.</summary>
    public string MachineOf(Node node) => Machines.ThisMachine;

    public IReadOnlyList<Node> Nodes => processes.Nodes;

    /// <summary>Runs argv inside the node's namespace: the iptables network acts on the nodes through this.</summary>
    internal NodeCommand Command => ExecAsync;

    public Task<CommandResult> ExecAsync(Node node, IReadOnlyList<string> argv, CancellationToken ct) =>
        HostCommands.RunAsync(namespaces[node.Name].Exec(argv), ct);

    /// <summary>iptables in each node's namespace.</summary>
    public Task<INetwork> StartNetworkAsync(NetworkOptions options, PeerPorts peers, CancellationToken ct) =>
        IptablesNetwork.StartAsync(this, this, ct);

    public static async Task<NetnsNodeProvider> CreateAsync(
        int count,
        string root,
        Action<NodeProcess>? onStart,
        CancellationToken ct
    )
    {
        if (!Environment.IsPrivilegedProcess)
            throw new Checker.Runner.Databases.EnvironmentException(
                "nodes.isolation netns needs root (namespaces, a bridge, iptables); without root, local nodes use "
                    + "the fault proxy"
            );
        root = Checker.Runner.Running.StateFolders.Own(root); // a folder another user made beforehand is refused
        var bridge = await HostBridge.CreateAsync(StateFileOf(root), PrefixOf(root), ct);
        try
        {
            var namespaces = new Dictionary<string, NetNamespace>();
            var nodes = new List<Node>();
            for (var k = 1; k <= count; k++)
            {
                namespaces[$"n{k}"] = await bridge.AddNamespaceAsync(k, ct);
                nodes.Add(new Node($"n{k}", k, bridge.AddressOf(k), Path.Combine(root, $"n{k}")));
            }
            var processes = LocalNodeProvider.Wrapped(nodes, root, onStart, (node, argv) =>
                namespaces[node.Name].Exec(argv)
            );
            return new NetnsNodeProvider(processes, bridge, namespaces);
        }
        catch
        {
            await bridge.TeardownAsync();
            throw;
        }
    }

    public Task<NodeProcess> StartAsync(
        Node node,
        string name,
        string command,
        IReadOnlyList<string> args,
        string logFile,
        CancellationToken ct
    ) => processes.StartAsync(node, name, command, args, logFile, ct);

    public Task SignalAsync(NodeProcess process, NodeSignal signal, CancellationToken ct) =>
        processes.SignalAsync(process, signal, ct);

    public Task<bool> IsRunningAsync(NodeProcess process, CancellationToken ct) =>
        processes.IsRunningAsync(process, ct);

    public Task StopAsync(NodeProcess process, CancellationToken ct) => processes.StopAsync(process, ct);

    public Task<CommandResult> RunAsync(Node node, string command, IReadOnlyList<string> args, CancellationToken ct) =>
        processes.RunAsync(node, command, args, ct);

    public Task WriteFileAsync(Node node, string path, string content, CancellationToken ct) =>
        processes.WriteFileAsync(node, path, content, ct);

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken ct) =>
        processes.UploadAsync(node, localPath, remotePath, ct);

    public Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct) =>
        processes.FetchAsync(node, path, localPath, ct);

    /// <summary>The processes first, then the namespaces, veths, bridge and FORWARD rule.</summary>
    public async Task TeardownAsync()
    {
        await processes.TeardownAsync();
        await bridge.TeardownAsync();
    }

    public ValueTask DisposeAsync() => new(TeardownAsync());
}
