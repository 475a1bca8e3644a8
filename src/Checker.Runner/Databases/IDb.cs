using Checker.Runner.Nodes;

namespace Checker.Runner.Databases;

// Jepsen's DB protocols: setting up and tearing down is the contract every database meets;
// killing, pausing, finding the primary and collecting logs are capabilities some offer.

/// <summary>A database installed and run across the test's nodes.</summary>
public interface IDb
{
    /// <summary>Configures and starts every node and returns once the cluster serves clients.</summary>
    Task SetupAsync(CancellationToken ct);

    /// <summary>Stops every node and removes its state; safe to call twice or after a failed setup.</summary>
    Task TeardownAsync();

    /// <summary>Where a client on behalf of a worker connects for this node.</summary>
    (string Host, int Port) ClientEndpoint(Node node);
}

/// <summary>A database whose nodes can be killed and started again.</summary>
public interface IKillableDb
{
    /// <summary>Kills the node's server process at once (SIGKILL).</summary>
    Task KillAsync(Node node, CancellationToken ct);

    /// <summary>Starts the node's server again if it is not running.</summary>
    Task RestartAsync(Node node, CancellationToken ct);
}

/// <summary>A database whose node processes can be frozen and thawed.</summary>
public interface IPausableDb
{
    /// <summary>Freezes the node's server process (SIGSTOP).</summary>
    Task PauseAsync(Node node, CancellationToken ct);

    /// <summary>Lets a frozen node run again (SIGCONT).</summary>
    Task ResumeAsync(Node node, CancellationToken ct);
}

/// <summary>A database with a leader (primary) that can be found.</summary>
public interface IPrimaryDb
{
    /// <summary>The node that currently claims leadership, or null when none answers as leader.</summary>
    Task<Node?> FindPrimaryAsync(CancellationToken ct);
}

/// <summary>A database whose nodes write logs worth keeping with the results.</summary>
public interface ILogCollectingDb
{
    /// <summary>Copies each node's logs and config into dir/&lt;node&gt;/.</summary>
    Task CollectLogsAsync(string dir, CancellationToken ct);
}

/// <summary>A database whose servers can show what every thread is doing, without stopping (a JVM's thread
/// dump).</summary>
public interface IThreadDumpingDb
{
    /// <summary>Has every running server dump its threads into its log (CollectLogsAsync keeps each dump in a file);
    /// returns the nodes asked.</summary>
    Task<IReadOnlyList<string>> DumpThreadsAsync(CancellationToken ct);
}

/// <summary>A database whose servers say which build they run (not the file it came from: what the process itself
/// reports).</summary>
public interface IVersionedDb
{
    /// <summary>Each node's version as its server reports it, by node name; null for a node that did not
    /// answer.</summary>
    Task<IReadOnlyDictionary<string, string?>> VersionsAsync(CancellationToken ct);
}

/// <summary>The test cannot run here (nothing to run, no permission); the message says what to do.</summary>
public sealed class EnvironmentException(string message) : Exception(message);
