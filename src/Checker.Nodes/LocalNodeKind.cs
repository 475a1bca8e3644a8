using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Running;

namespace Checker.Nodes;

/// <summary>The local provider's fields of the nodes section.</summary>
public sealed class LocalNodeSettings : ISpecSettings
{
    /// <summary>
    /// "proxy" (no root; faults by Checker's TCP proxy) or "netns" (root; each node in its own network namespace,
    /// faults by iptables).
    /// </summary>
    public string Isolation { get; set; } = "proxy";

    public string? Problem() =>
        Isolation is "proxy" or "netns"
            ? null
            : $"field 'nodes.isolation' '{Isolation}' is not an isolation (proxy, netns)";
}

/// <summary>
/// nodes.provider "local": processes on this machine, one loopback address each, faulted by the proxy; or, with
/// nodes.isolation netns, each in a network namespace of its own, faulted by iptables.
/// </summary>
public sealed class LocalNodeKind : NodeKind<LocalNodeSettings>
{
    public override string Name => "local";

    /// <summary>On this machine: in its temporary folder.</summary>
    public override string NodesRoot(string runId) => Path.Combine(Path.GetTempPath(), $"checker-{runId}");

    protected override Type NodesType(LocalNodeSettings settings) =>
        settings.Isolation == "netns" ? typeof(NetnsNodeProvider) : typeof(LocalNodeProvider);

    protected override NetworkPlan Network(LocalNodeSettings settings) =>
        settings.Isolation == "netns" ? NetworkPlan.Iptables : NetworkPlan.Proxy;

    protected override async Task<INodeProvider> CreateAsync(
        LocalNodeSettings settings,
        int count,
        NodeContext context,
        CancellationToken ct
    ) =>
        settings.Isolation == "netns"
            ? await NetnsNodeProvider.CreateAsync(count, context.Root, context.OnStart, ct)
            : LocalNodeProvider.Create(count, context.Root, context.OnStart);

    public override Task<bool> CleanAsync(RegisteredRun run, List<string> actions) => CleanHereAsync(run, actions);

    /// <summary>
    /// Removes what a dead run left on this machine: its recorded processes (a pid with another start time is not
    /// the one recorded and is left alone), the bridge and namespaces of netns nodes, and the nodes' folders.
    /// </summary>
    public static async Task<bool> CleanHereAsync(RegisteredRun run, List<string> actions)
    {
        foreach (var p in run.Processes)
            if (await LocalNodeProvider.StopLeftoverAsync(p.Pid, p.StartTime))
                actions.Add($"run {run.RunId}: stopped {p.Name} on {p.Node} (pid {p.Pid})");
        if (run.NodesRoot is { } hostsRoot && File.Exists(NetnsNodeProvider.StateFileOf(hostsRoot)))
            foreach (var line in await Hosts.HostBridge.CleanAsync(NetnsNodeProvider.StateFileOf(hostsRoot)))
                actions.Add($"run {run.RunId}: {line}");
        if (run.NodesRoot is { } root && Directory.Exists(root))
        {
            try
            {
                Directory.Delete(root, recursive: true);
                actions.Add($"run {run.RunId}: removed {root}");
            }
            catch (IOException e)
            {
                actions.Add($"run {run.RunId}: could not remove {root}: {e.Message}");
            }
        }
        return true;
    }
}
