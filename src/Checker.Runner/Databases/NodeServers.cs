using System.Collections.Concurrent;
using Checker.Runner.Nodes;

namespace Checker.Runner.Databases;

/// <summary>
/// The one server process a database runs on each node, and what the nemesis does to it: kill, pause,
/// resume, and knowing whether it still runs. Shared by every database, whose own code only says how
/// to start its server.
/// </summary>
public sealed class NodeServers(INodeProvider provider)
{
    readonly ConcurrentDictionary<string, NodeProcess> servers = new();

    /// <summary>
    /// Sets up every node, the machines in parallel: on each machine its first node first (it finds the database,
    /// or installs it), then the machine's other nodes together, which find what the first one installed. Nodes
    /// sharing a machine never run apt at once.
    /// </summary>
    public static Task OncePerMachineAsync(INodeProvider provider, Func<Node, Task> setUp) =>
        Task.WhenAll(
            provider
                .Nodes.GroupBy(provider.MachineOf)
                .Select(async machine =>
                {
                    await setUp(machine.First());
                    await Task.WhenAll(machine.Skip(1).Select(setUp));
                })
        );

    /// <summary>The node's server process, if one was started and not killed.</summary>
    public NodeProcess? Of(Node node) => servers.TryGetValue(node.Name, out var p) ? p : null;

    /// <summary>True when the node's server was started and still lives.</summary>
    public async Task<bool> IsRunningAsync(Node node, CancellationToken ct) =>
        Of(node) is { } p && await provider.IsRunningAsync(p, ct);

    /// <summary>Starts the server with start() unless it runs already.</summary>
    public async Task StartAsync(Node node, Func<Task<NodeProcess>> start, CancellationToken ct)
    {
        if (await IsRunningAsync(node, ct))
            return;
        servers[node.Name] = await start();
    }

    public async Task KillAsync(Node node, CancellationToken ct)
    {
        if (servers.TryRemove(node.Name, out var p))
            await provider.StopAsync(p, ct);
    }

    public async Task PauseAsync(Node node, CancellationToken ct)
    {
        if (Of(node) is { } p)
            await provider.SignalAsync(p, NodeSignal.Stop, ct);
    }

    public async Task ResumeAsync(Node node, CancellationToken ct)
    {
        if (Of(node) is { } p)
            await provider.SignalAsync(p, NodeSignal.Cont, ct);
    }

    /// <summary>Copies each node's files (its log, its config) into dir/node-name/, under the names given.</summary>
    public async Task CollectAsync(
        string dir,
        Func<Node, IEnumerable<(string Path, string Name)>> files,
        CancellationToken ct
    )
    {
        foreach (var node in provider.Nodes)
        foreach (var (path, name) in files(node))
            await provider.FetchAsync(node, path, Path.Combine(dir, node.Name, name), ct);
    }

    /// <summary>Kills every node's server.</summary>
    public async Task KillAllAsync()
    {
        foreach (var node in provider.Nodes)
            await KillAsync(node, CancellationToken.None);
    }
}
