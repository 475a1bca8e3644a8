namespace Checker.Runner.Nodes;

/// <summary>Nodes with clocks of their own (remote hosts), whose offset from the runner's clock is worth
/// recording.</summary>
public interface INodeClocks
{
    /// <summary>The node's clock minus the runner's, and the error of that estimate.</summary>
    Task<(TimeSpan Offset, TimeSpan Uncertainty)> ClockOffsetAsync(Node node, CancellationToken ct);
}

/// <summary>Nodes whose every process can be frozen at once (Docker's pause: the cgroup freezer), as a host that
/// hangs.</summary>
public interface INodeFreezer
{
    /// <summary>Freezes every process of the node.</summary>
    Task FreezeAsync(Node node, CancellationToken ct);

    /// <summary>Thaws a frozen node; one that is not frozen is left as it is.</summary>
    Task ThawAsync(Node node, CancellationToken ct);
}

/// <summary>
/// Runs a command as root in a node's network namespace, with the tools the runner's machine or the host has:
/// what iptables and tc need to fault the node's links.
/// </summary>
public interface INodeShell
{
    /// <summary>Runs argv (program first) and returns its exit code and output.</summary>
    Task<CommandResult> ExecAsync(Node node, IReadOnlyList<string> argv, CancellationToken ct);
}

/// <summary>
/// Gives the test its nodes and the means to act on them: local processes, SSH hosts or containers.
/// Every member may be a network round trip, so every member is async. Paths are paths on the node.
/// </summary>
public interface INodeProvider : IAsyncDisposable
{
    /// <summary>A short name of what the nodes are ("local", "netns", "ssh", "docker"), for logs and results.</summary>
    string Kind { get; }

    /// <summary>The nodes, in order n1..nN.</summary>
    IReadOnlyList<Node> Nodes { get; }

    /// <summary>
    /// The machine the node runs on, as a name equal for nodes that share one (and its packages): a database is
    /// installed once per machine. By default each node is a machine of its own.
    /// </summary>
    string MachineOf(Node node) => $"{Kind}:{node.Name}";

    /// <summary>Starts a long-running process on the node, detached from the runner, its output appended to
    /// logFile.</summary>
    Task<NodeProcess> StartAsync(
        Node node,
        string name,
        string command,
        IReadOnlyList<string> args,
        string logFile,
        CancellationToken ct
    );

    /// <summary>Sends a signal to a process; a process already gone is not an error.</summary>
    Task SignalAsync(NodeProcess process, NodeSignal signal, CancellationToken ct);

    /// <summary>True while the process lives (a stopped, paused process counts as living).</summary>
    Task<bool> IsRunningAsync(NodeProcess process, CancellationToken ct);

    /// <summary>Kills the process (SIGCONT, SIGKILL) and waits until it is gone.</summary>
    Task StopAsync(NodeProcess process, CancellationToken ct);

    /// <summary>Runs a short command on the node and returns its exit code and output.</summary>
    Task<CommandResult> RunAsync(Node node, string command, IReadOnlyList<string> args, CancellationToken ct);

    /// <summary>Writes a text file on the node, creating its directory.</summary>
    Task WriteFileAsync(Node node, string path, string content, CancellationToken ct);

    /// <summary>Copies a local file or directory to the node (a directory's contents land under remotePath).</summary>
    Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken ct);

    /// <summary>Copies a file from the node to a local path; a missing file is skipped and returns false.</summary>
    Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct);

    /// <summary>
    /// Starts the network between the nodes, the one that can fault their links: Checker's proxy between local
    /// processes, or iptables and tc through the nodes' shell.
    /// </summary>
    Task<Net.INetwork> StartNetworkAsync(Net.NetworkOptions options, Net.PeerPorts peers, CancellationToken ct);

    /// <summary>Stops every process this provider started and removes the nodes' directories; safe to call
    /// twice.</summary>
    Task TeardownAsync();
}
