using Checker.Runner.Nodes;

namespace Checker.Nodes.Ssh;

/// <summary>
/// How to reach SSH nodes (Jepsen's --nodes, --username, --ssh-private-key). Host keys are checked
/// against KnownHosts; a host that is not listed there is refused unless AcceptNew, which then
/// writes its key down (OpenSSH's StrictHostKeyChecking=accept-new).
/// </summary>
internal sealed record SshOptions
{
    /// <summary>The hosts, in node order n1..nN: names or addresses.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }
    public string User { get; init; } = "root";
    public int Port { get; init; } = 22;

    /// <summary>A private key file (OpenSSH or PEM format, unencrypted or with PrivateKeyPassphrase).</summary>
    public string? PrivateKey { get; init; }
    public string? PrivateKeyPassphrase { get; init; }
    public string? Password { get; init; }

    /// <summary>Default: ~/.ssh/known_hosts.</summary>
    public string KnownHosts { get; init; } = DefaultKnownHosts;

    /// <summary>OpenSSH's: ~/.ssh/known_hosts.</summary>
    public static string DefaultKnownHosts =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
    public bool AcceptNew { get; init; }

    /// <summary>Run commands with `sudo -n`; default: when User is not root.</summary>
    public bool? Sudo { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Node k works in NodesRoot/nK on its host, so hosts sharing a filesystem never clash.</summary>
    public string NodesRoot { get; init; } = "/tmp/checker-nodes";

    public bool UsesSudo => Sudo ?? User != "root";
}

/// <summary>A node that cannot be reached or used over SSH; the message names the node, host and user.</summary>
internal sealed class SshNodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The connection dropped while a command ran: it may or may not have taken effect. Callers must
/// treat it as unknown (never as success, never as a clean failure).
/// </summary>
internal sealed class CommandOutcomeUnknownException(string message, Exception? inner = null)
    : Exception(message, inner);
