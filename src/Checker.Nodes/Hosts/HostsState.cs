using Checker.Nodes.Net;
using Newtonsoft.Json;

namespace Checker.Nodes.Hosts;

/// <summary>
/// What one run made on this machine for its hosts, written to a small JSON file before each thing
/// is made, so that teardown, or `clean` after the runner was killed, removes exactly that and
/// nothing else. Every removal is idempotent.
/// </summary>
public sealed class HostsState
{
    public string Prefix { get; set; } = "";
    public int Subnet { get; set; }
    public string? Bridge { get; set; }

    /// <summary>Whether a FORWARD ACCEPT rule for the bridge was added to the host's iptables.</summary>
    public bool ForwardRule { get; set; }

    /// <summary>Namespaces made with `ip netns add` (a container's namespace is not ours to delete).</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Host-side ends of the veth pairs.</summary>
    public List<string> Veths { get; set; } = [];

    /// <summary>Pid files of daemons started in the namespaces (the lab's sshd).</summary>
    public List<string> PidFiles { get; set; } = [];

    /// <summary>
    /// The state in path; a file another user owns or may write names nothing root should remove
    /// (UnsafeStateException).
    /// </summary>
    public static HostsState Load(string path)
    {
        if (Checker.Runner.Running.StateFolders.Distrust(path) is { } why)
            throw new Checker.Runner.Running.UnsafeStateException(
                $"hosts state {path}: {why}; Checker will not act on it"
            );
        return JsonConvert.DeserializeObject<HostsState>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path}: empty hosts state");
    }

    /// <summary>
    /// Writes the state through a new file renamed over path, neither following a link nor writing into another's
    /// file: the state file may sit in a folder others can write (beside a run's nodes in /tmp).
    /// </summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (
            Checker.Runner.Nodes.Posix.Ownership(path, followLink: false) is not null
            && Checker.Runner.Running.StateFolders.Distrust(path) is { } why
        )
            throw new Checker.Runner.Running.UnsafeStateException(
                $"hosts state {path}: {why}; Checker will not use it"
            );
        var tmp = path + ".tmp";
        if (Checker.Runner.Nodes.Posix.Ownership(tmp, followLink: false) is not null)
        {
            if (Checker.Runner.Running.StateFolders.Distrust(tmp) is { } bad)
                throw new Checker.Runner.Running.UnsafeStateException($"{tmp}: {bad}; Checker will not use it");
            File.Delete(tmp); // left by a runner that died while writing
        }
        var create = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = OwnerReadWrite,
        };
        using (var file = new FileStream(tmp, create))
        using (var writer = new StreamWriter(file))
            writer.Write(JsonConvert.SerializeObject(this, Formatting.Indented));
        File.Move(tmp, path, overwrite: true);
    }

    const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
