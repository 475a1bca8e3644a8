namespace Checker.Nodes.Hosts;

/// <summary>
/// A network namespace to wire into a bridge: a named one (`ip netns add`, as for netns nodes and
/// the SSH lab) or the one a process lives in (a container's, found by its pid).
/// </summary>
internal sealed record NetNamespace
{
    /// <summary>The name under /run/netns, or null for a process's namespace.</summary>
    public string? Name { get; }

    /// <summary>The pid whose namespace this is, or null for a named one.</summary>
    public int? Pid { get; }

    NetNamespace(string? name, int? pid)
    {
        Name = name;
        Pid = pid;
    }

    public static NetNamespace Named(string name) => new(name, null);

    /// <summary>The namespace of a running process (/proc/PID/ns/net), e.g. a container's init.</summary>
    public static NetNamespace OfProcess(int pid) => new(null, pid);

    /// <summary>What `ip link set DEV netns X` accepts: the name, or the pid.</summary>
    public string LinkTarget => Name ?? Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>argv that runs a command inside the namespace (network only; the filesystem stays the
    /// host's).</summary>
    public IReadOnlyList<string> Exec(IEnumerable<string> argv) =>
        Name is not null ? ["ip", "netns", "exec", Name, .. argv] : ["nsenter", "-t", LinkTarget, "-n", .. argv];

    public override string ToString() => Name ?? $"/proc/{Pid}/ns/net";
}
