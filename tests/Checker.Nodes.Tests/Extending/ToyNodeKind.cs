using System.Collections.Concurrent;
using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Running;

namespace Checker.Nodes.Tests.Extending;

/// <summary>The toy provider's fields of the nodes section: nodes.holdAll.</summary>
public sealed class ToyNodeSettings : ISpecSettings
{
    /// <summary>Each node keeps an idle process of its own that stands for the rest of a machine's processes.</summary>
    public bool HoldAll { get; set; } = true;

    /// <summary>Seconds the idle process lives at most (it is stopped at teardown long before).</summary>
    public int IdleSeconds { get; set; } = 600;

    public string? Problem() => IdleSeconds is < 1 or > 86_400 ? "field 'nodes.idleSeconds' must be 1..86400" : null;
}

/// <summary>
/// A node provider made the way docs/extending.md says, registered by the tests only: local processes under the
/// name "toy". With nodes.holdAll, each node also runs an idle process, and its nodes can be frozen whole (every
/// process of the node stopped at once): its nodes' type then implements INodeFreezer, and that is all it takes
/// for the pause-container fault to be offered.
/// </summary>
public sealed class ToyNodeKind : NodeKind<ToyNodeSettings>
{
    public const string ProviderName = "toy";

    /// <summary>Every process toy nodes of any run started, for the tests to see that none outlives its run.</summary>
    public static ConcurrentBag<NodeProcess> Started { get; } = [];

    public override string Name => ProviderName;

    public override string NodesRoot(string runId) => Path.Combine(Path.GetTempPath(), $"checker-toy-{runId}");

    protected override Type NodesType(ToyNodeSettings settings) =>
        settings.HoldAll ? typeof(FreezableToyNodes) : typeof(ToyNodes);

    protected override NetworkPlan Network(ToyNodeSettings settings) => NetworkPlan.Proxy;

    protected override async Task<INodeProvider> CreateAsync(ToyNodeSettings settings, int count, NodeContext context,
        CancellationToken ct)
    {
        void OnStart(NodeProcess p)
        {
            Started.Add(p);
            context.OnStart(p);
        }
        var processes = LocalNodeProvider.Create(count, context.Root, OnStart);
        if (!settings.HoldAll) return new ToyNodes(processes);
        var idle = new List<NodeProcess>();
        foreach (var node in processes.Nodes)
            idle.Add(await processes.StartAsync(node, "idle", "sleep", [$"{settings.IdleSeconds}"],
                Path.Combine(node.Directory, "idle.log"), ct));
        return new FreezableToyNodes(processes, idle);
    }

    public override Task<bool> CleanAsync(RegisteredRun run, List<string> actions) =>
        LocalNodeKind.CleanHereAsync(run, actions);
}

/// <summary>Local processes, passed through.</summary>
public class ToyNodes(LocalNodeProvider processes) : INodeProvider
{
    protected LocalNodeProvider Processes => processes;
    public string Kind => ToyNodeKind.ProviderName;
    public IReadOnlyList<Node> Nodes => processes.Nodes;
    public string MachineOf(Node node) => Machines.ThisMachine;

    public Task<NodeProcess> StartAsync(Node node, string name, string command, IReadOnlyList<string> args,
        string logFile, CancellationToken ct) => processes.StartAsync(node, name, command, args, logFile, ct);

    public Task SignalAsync(NodeProcess process, NodeSignal signal, CancellationToken ct) =>
        processes.SignalAsync(process, signal, ct);

    public Task<bool> IsRunningAsync(NodeProcess process, CancellationToken ct) =>
        processes.IsRunningAsync(process, ct);
    public Task StopAsync(NodeProcess process, CancellationToken ct) => processes.StopAsync(process, ct);

    public Task<CommandResult> RunAsync(Node node, string command, IReadOnlyList<string> args, CancellationToken ct) =>
        processes.RunAsync(node, command, args, ct);

    public Task WriteFileAsync(Node node, string path, string content, CancellationToken ct) =>
        processes.WriteFileAsync(node, path, content, ct);

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken ct) =>
        processes.UploadAsync(node, localPath, remotePath, ct);

    public Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct) =>
        processes.FetchAsync(node, path, localPath, ct);

    public Task<INetwork> StartNetworkAsync(NetworkOptions options, PeerPorts peers, CancellationToken ct) =>
        processes.StartNetworkAsync(options, peers, ct);

    public Task TeardownAsync() => processes.TeardownAsync();
    public ValueTask DisposeAsync() => processes.DisposeAsync();
}

/// <summary>Toy nodes that can be frozen whole: every process of the node gets SIGSTOP, and SIGCONT to thaw.</summary>
public sealed class FreezableToyNodes(LocalNodeProvider processes, IReadOnlyList<NodeProcess> idle)
    : ToyNodes(processes), INodeFreezer
{
    public async Task FreezeAsync(Node node, CancellationToken ct)
    {
        foreach (var p in idle.Where(p => p.Node == node)) await Processes.SignalAsync(p, NodeSignal.Stop, ct);
    }

    public async Task ThawAsync(Node node, CancellationToken ct)
    {
        foreach (var p in idle.Where(p => p.Node == node)) await Processes.SignalAsync(p, NodeSignal.Cont, ct);
    }
}
