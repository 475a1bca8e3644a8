namespace Checker.Runner.Nodes;

/// <summary>A machine (or stand-in for one) the database runs on.</summary>
/// <param name="Name">n1, n2, ...</param>
/// <param name="Id">1-based number (ZooKeeper's myid, etcd's member order).</param>
/// <param name="Address">The address its services bind to and clients connect to.</param>
/// <param name="Directory">Its working directory, on the node; it holds the node's name, so hosts sharing a filesystem
/// never clash.</param>
public sealed record Node(string Name, int Id, string Address, string Directory)
{
    public override string ToString() => Name;
}

/// <summary>Where nodes that are processes of this machine run (INodeProvider.MachineOf).</summary>
public static class Machines
{
    public const string ThisMachine = "this machine";
}

/// <summary>A process started on a node; Pid and StartTime identify it even after the runner is gone.</summary>
public sealed record NodeProcess(Node Node, string Name, int Pid, long StartTime);

/// <summary>Output of a command run on a node.</summary>
public sealed record CommandResult(int ExitCode, string Output)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>POSIX signals the nemesis and teardown send.</summary>
public enum NodeSignal
{
    Kill = 9,
    Term = 15,
    Stop = 19,
    Cont = 18,

    /// <summary>SIGQUIT: a JVM prints a dump of its threads to its output and runs on.</summary>
    Quit = 3,
}
