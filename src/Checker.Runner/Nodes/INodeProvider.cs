namespace Checker.Runner.Nodes;

/// <summary>A machine (or stand-in for one) the database runs on.</summary>
/// <param name="Name">n1, n2, ...</param>
/// <param name="Id">1-based number, used as ZooKeeper's myid.</param>
/// <param name="Address">The address its services bind to and clients connect to.</param>
/// <param name="Directory">Its working directory, on the node.</param>
public sealed record Node(string Name, int Id, string Address, string Directory)
{
    public override string ToString() => Name;
}

/// <summary>A process started on a node; Pid and StartTime identify it even after the runner is gone.</summary>
public sealed record NodeProcess(Node Node, string Name, int Pid, long StartTime);

/// <summary>Output of a command run on a node.</summary>
public sealed record CommandResult(int ExitCode, string Output);

/// <summary>POSIX signals the nemesis and teardown send.</summary>
public enum NodeSignal { Kill = 9, Term = 15, Stop = 19, Cont = 18 }

/// <summary>
/// Gives the test its nodes and the means to act on them. Local processes now; SSH and Docker
/// providers implement the same contract later.
/// </summary>
public interface INodeProvider : IAsyncDisposable
{
    /// <summary>The nodes, in order n1..nN.</summary>
    IReadOnlyList<Node> Nodes { get; }

    /// <summary>Starts a long-running process on the node, its output appended to logFile (a path on the node).</summary>
    Task<NodeProcess> StartAsync(Node node, string name, string command, IReadOnlyList<string> args, string logFile, CancellationToken ct);

    /// <summary>Sends a signal to a process; a process already gone is not an error.</summary>
    void Signal(NodeProcess process, NodeSignal signal);

    /// <summary>True while the process lives (a stopped, paused process counts as living).</summary>
    bool IsRunning(NodeProcess process);

    /// <summary>Kills the process and waits until it is gone.</summary>
    Task StopAsync(NodeProcess process, CancellationToken ct = default);

    /// <summary>Runs a short command on the node and returns its exit code and output.</summary>
    Task<CommandResult> RunAsync(Node node, string command, IReadOnlyList<string> args, CancellationToken ct);

    /// <summary>Writes a text file on the node.</summary>
    Task WriteFileAsync(Node node, string path, string content, CancellationToken ct);

    /// <summary>Copies a file from the node to a local path; a missing file is skipped and returns false.</summary>
    Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct);

    /// <summary>Stops every process this provider started and removes the nodes' directories.</summary>
    Task TeardownAsync();
}
