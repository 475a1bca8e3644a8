using Newtonsoft.Json;

namespace Checker.Runner.Hosts;

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

    public static HostsState Load(string path) =>
        JsonConvert.DeserializeObject<HostsState>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path}: empty hosts state");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonConvert.SerializeObject(this, Formatting.Indented));
        File.Move(tmp, path, overwrite: true);
    }
}
