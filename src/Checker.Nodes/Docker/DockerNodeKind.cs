using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Running;
using Newtonsoft.Json.Linq;

namespace Checker.Nodes.Docker;

/// <summary>The docker provider's fields of the nodes section.</summary>
public sealed class DockerNodeSettings : ISpecSettings
{
    /// <summary>The image the nodes run; null: Checker's node image (built from Debian's if missing).</summary>
    public string? Image { get; set; }

    public string? Problem() =>
        Image is not null && Image.Trim().Length == 0 ? "field 'nodes.image' must name an image" : null;
}

/// <summary>
/// nodes.provider "docker": one container per node (root), faulted by iptables in each container's namespace.
/// </summary>
public sealed class DockerNodeKind : NodeKind<DockerNodeSettings>
{
    public override string Name => "docker";

    protected override Type NodesType(DockerNodeSettings settings) => typeof(DockerNodeProvider);

    protected override NetworkPlan Network(DockerNodeSettings settings) => NetworkPlan.Iptables;

    // Written as "DockerHost", where registry entries of earlier versions kept it, so both read alike.
    protected override JObject Reach(DockerNodeSettings settings) => new() { ["DockerHost"] = DockerDaemon.Endpoint };

    protected override async Task<INodeProvider> CreateAsync(
        DockerNodeSettings settings,
        int count,
        NodeContext context,
        CancellationToken ct
    )
    {
        var options = new DockerNodeOptions(count, context.Root, settings.Image);
        return await DockerNodeProvider.CreateAsync(options, context.OnStart, context.Log, ct);
    }

    /// <summary>
    /// Removes the run's containers (found by their checker.run label), then what is left on this machine: its
    /// veths and bridge, its folders. False, the entry kept for another try, when the daemon cannot be reached.
    /// </summary>
    public override async Task<bool> CleanAsync(RegisteredRun run, List<string> actions)
    {
        if (run.NodesRoot is not { } root)
            return await LocalNodeKind.CleanHereAsync(run, actions);
        var endpoint = run.Reach?["DockerHost"]?.ToString() ?? DockerDaemon.Endpoint;
        try
        {
            using var client = await DockerDaemon.ConnectAsync(endpoint, CancellationToken.None);
            var label = DockerNodeProvider.RunLabelOf(root);
            foreach (var name in await DockerNodeProvider.RemoveContainersAsync(client, label))
                actions.Add($"run {run.RunId}: removed container {name}");
        }
        catch (Exception e) when (e is DockerNodeException or global::Docker.DotNet.DockerApiException)
        {
            actions.Add($"run {run.RunId}: could not remove its containers: {e.Message}");
            return false;
        }
        return await LocalNodeKind.CleanHereAsync(run, actions);
    }
}
