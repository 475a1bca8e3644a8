using Checker.Nodes.Net;
using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Running;
using Newtonsoft.Json.Linq;

namespace Checker.Nodes.Ssh;

/// <summary>The ssh provider's fields of the nodes section (Jepsen's --nodes, --username, --ssh-private-key).</summary>
public sealed class SshNodeSettings : ISpecSettings
{
    /// <summary>The hosts, one node each (n1 is the first).</summary>
    public List<string> Hosts { get; set; } = [];
    public string User { get; set; } = "root";
    public int Port { get; set; } = 22;

    /// <summary>The private key file; null: the password.</summary>
    public string? PrivateKey { get; set; }
    public string? Password { get; set; }

    /// <summary>The known_hosts file host keys are checked against (default ~/.ssh/known_hosts).</summary>
    public string? KnownHosts { get; set; }

    /// <summary>Trust and write down the key of a host known_hosts does not list yet (OpenSSH's accept-new).</summary>
    public bool AcceptNew { get; set; }

    /// <summary>Run commands with sudo -n (default: when the user is not root).</summary>
    public bool? Sudo { get; set; }

    /// <summary>Seconds to wait for each host at setup.</summary>
    public double ConnectTimeout { get; set; } = 10;

    public string? Problem() =>
        Hosts.Count is < 1 or > 9 ? "field 'nodes.hosts' must name 1..9 hosts for the ssh provider"
        : Hosts.Distinct().Count() != Hosts.Count ? "field 'nodes.hosts' must not name a host twice"
        : ConnectTimeout is <= 0 or > 600 ? "field 'nodes.connectTimeout' must be positive (at most 600)"
        : null;
}

/// <summary>What `checker clean` keeps of the SSH fields to reach the hosts again: never the password.</summary>
sealed record SshReach(List<string> Hosts, string User, int Port, string? PrivateKey, string? KnownHosts, bool? Sudo);

/// <summary>nodes.provider "ssh": hosts reached over SSH, one node each, faulted by iptables on each host.</summary>
public sealed class SshNodeKind : NodeKind<SshNodeSettings>
{
    public override string Name => "ssh";

    /// <summary>One node per host.</summary>
    protected override int NodeCount(Checker.Runner.Spec.NodesSpec nodes, SshNodeSettings settings) =>
        settings.Hosts.Count;

    protected override Type NodesType(SshNodeSettings settings) => typeof(SshNodeProvider);

    protected override NetworkPlan Network(SshNodeSettings settings) => NetworkPlan.Iptables;

    // Written under "Ssh", where registry entries of earlier versions kept these fields, so both read alike.
    protected override JObject Reach(SshNodeSettings s) =>
        new()
        {
            ["Ssh"] = JObject.FromObject(new SshReach(s.Hosts, s.User, s.Port, s.PrivateKey, s.KnownHosts, s.Sudo)),
        };

    protected override async Task<INodeProvider> CreateAsync(
        SshNodeSettings settings,
        int count,
        NodeContext context,
        CancellationToken ct
    ) => await SshNodeProvider.ConnectAsync(OptionsOf(settings, context.Root), ct, context.OnStart);

    /// <summary>How to reach the spec's SSH nodes, their folders under root.</summary>
    internal static SshOptions OptionsOf(Checker.Runner.Spec.NodesSpec nodes, string root) =>
        OptionsOf(Settings(nodes), root);

    static SshOptions OptionsOf(SshNodeSettings s, string root) =>
        new()
        {
            Hosts = s.Hosts,
            User = s.User,
            Port = s.Port,
            PrivateKey = s.PrivateKey,
            Password = s.Password,
            KnownHosts = s.KnownHosts ?? SshOptions.DefaultKnownHosts,
            AcceptNew = s.AcceptNew,
            Sudo = s.Sudo,
            ConnectTimeout = TimeSpan.FromSeconds(s.ConnectTimeout),
            NodesRoot = root,
        };

    /// <summary>
    /// Reconnects, stops the recorded servers, removes Checker's iptables chain and shaping, and the run's node
    /// folders; false when a host cannot be reached.
    /// </summary>
    public override async Task<bool> CleanAsync(RegisteredRun run, List<string> actions)
    {
        if (run.Reach?["Ssh"]?.ToObject<SshReach>() is not { } reach || run.NodesRoot is not { } root)
            return true;
        var options = new SshOptions
        {
            Hosts = reach.Hosts,
            User = reach.User,
            Port = reach.Port,
            PrivateKey = reach.PrivateKey,
            KnownHosts = reach.KnownHosts ?? SshOptions.DefaultKnownHosts,
            Sudo = reach.Sudo,
            NodesRoot = root,
        };
        try
        {
            await using var nodes = await SshNodeProvider.ConnectAsync(options, CancellationToken.None);
            foreach (var p in run.Processes)
            {
                var node = nodes.Nodes.First(n => n.Name == p.Node);
                var process = new NodeProcess(node, p.Name, p.Pid, p.StartTime);
                if (!await nodes.IsRunningAsync(process, CancellationToken.None))
                    continue;
                await nodes.StopAsync(process, CancellationToken.None);
                actions.Add($"run {run.RunId}: stopped {p.Name} on {p.Node} ({p.Host}, pid {p.Pid})");
            }
            foreach (var node in nodes.Nodes)
                await nodes.RunAsync(node, "sh", ["-c", IptablesNetwork.CleanScript], CancellationToken.None);
            actions.Add(
                $"run {run.RunId}: removed Checker's iptables chain and shaping, and {root}, "
                    + $"on {string.Join(", ", reach.Hosts)}"
            );
            return true; // disposing the provider removes the nodes' folders
        }
        catch (Exception e) when (e is SshNodeException or CommandOutcomeUnknownException)
        {
            actions.Add($"run {run.RunId}: could not clean the SSH hosts: {e.Message}");
            return false;
        }
    }
}
