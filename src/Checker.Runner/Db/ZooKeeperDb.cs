using System.Collections.Concurrent;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

namespace Checker.Runner.Db;

/// <summary>
/// A ZooKeeper ensemble, one server per node. Each node's zoo.cfg names its peers at the proxy
/// addresses of the local network, so the nemesis's faults sit between every pair of servers.
/// </summary>
public sealed class ZooKeeperDb(DbSpec spec, ZooKeeperInstall install, INodeProvider provider, ProxyNetwork? network, string runId, Action<string> log)
    : IDb, IKillableDb, IPausableDb, IPrimaryDb, ILogCollectingDb
{
    public const int ClientPort = 2181, QuorumPort = 2888, ElectionPort = 3888;
    public static readonly IReadOnlyList<int> PeerPorts = [QuorumPort, ElectionPort];

    readonly ConcurrentDictionary<string, NodeProcess> servers = new();

    /// <summary>The proxy handshake for a link: election connections advertise the reverse link's proxy.</summary>
    public static Handshake? HandshakeFor(int port, Node from, Node to, Func<Node, Node, string> peerAddress) =>
        port == ElectionPort ? ElectionHandshake.Rewrite($"{peerAddress(to, from)}:{ElectionPort}") : null;

    public (string Host, int Port) ClientEndpoint(Node node) => (node.Address, ClientPort);

    public async Task SetupAsync(CancellationToken ct)
    {
        foreach (var node in provider.Nodes)
        {
            await provider.RunAsync(node, "mkdir", ["-p", DataDir(node)], ct);
            await provider.WriteFileAsync(node, Path.Combine(DataDir(node), "myid"), $"{node.Id}\n", ct);
            await provider.WriteFileAsync(node, ConfigPath(node), Config(node), ct);
        }
        await Task.WhenAll(provider.Nodes.Select(n => RestartAsync(n, ct)));
        await WaitForQuorumAsync(TimeSpan.FromSeconds(spec.StartTimeout), ct);
    }

    /// <summary>zoo.cfg for one node: its own address for itself, the proxies' addresses for its peers.</summary>
    public string Config(Node node) =>
        new ZooKeeperServerConfig(DataDir(node), node.Address, ClientPort)
        {
            Id = node.Id,
            TickTimeMs = spec.TickTimeMs,
            InitLimit = spec.InitLimit,
            SyncLimit = spec.SyncLimit,
            Ensemble = provider.Nodes.Select(peer => new ZooKeeperPeer(
                peer.Id,
                peer == node || network is null ? peer.Address : network.PeerAddress(node, peer),
                QuorumPort,
                ElectionPort)).ToList(),
        }.Render();

    /// <summary>Polls srvr until every node serves and exactly one is leader.</summary>
    public async Task WaitForQuorumAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        string?[] modes = [];
        while (DateTime.UtcNow < deadline)
        {
            modes = await Task.WhenAll(provider.Nodes.Select(n => ZooKeeperFourLetterWords.ModeAsync(n.Address, ClientPort, TimeSpan.FromSeconds(1), ct)));
            var leaders = modes.Count(m => m is "leader" or "standalone");
            if (leaders == 1 && modes.All(m => m is "leader" or "follower" or "standalone")) return;
            await Task.Delay(200, ct);
        }
        var logs = string.Join("; ", provider.Nodes.Select(n => $"{n}: {Path.Combine(n.Directory, LogName)}"));
        throw new EnvironmentException(
            $"ZooKeeper did not form a quorum within {timeout.TotalSeconds:0}s (modes: {string.Join(", ", modes.Select(m => m ?? "down"))}); see {logs}");
    }

    public async Task<Node?> FindPrimaryAsync(CancellationToken ct)
    {
        var modes = await Task.WhenAll(provider.Nodes.Select(async n => (n, mode: await ZooKeeperFourLetterWords.ModeAsync(n.Address, ClientPort, TimeSpan.FromSeconds(1), ct))));
        return modes.FirstOrDefault(m => m.mode is "leader" or "standalone").n;
    }

    public async Task KillAsync(Node node, CancellationToken ct)
    {
        if (servers.TryRemove(node.Name, out var p)) await provider.StopAsync(p, ct);
    }

    public async Task RestartAsync(Node node, CancellationToken ct)
    {
        if (servers.TryGetValue(node.Name, out var running) && provider.IsRunning(running)) return;
        var args = new List<string>(spec.JvmOpts)
        {
            $"-Dchecker.run={runId}", // marks the process as Checker's, for `checker clean`
            "-Dzookeeper.cnxTimeout=2000",
            "-cp", string.Join(':', install.ClassPath), ZooKeeperInstall.MainClass, ConfigPath(node),
        };
        servers[node.Name] = await provider.StartAsync(node, "zookeeper", install.Java, args, Path.Combine(node.Directory, LogName), ct);
    }

    public Task PauseAsync(Node node, CancellationToken ct)
    {
        if (servers.TryGetValue(node.Name, out var p)) provider.Signal(p, NodeSignal.Stop);
        return Task.CompletedTask;
    }

    public Task ResumeAsync(Node node, CancellationToken ct)
    {
        if (servers.TryGetValue(node.Name, out var p)) provider.Signal(p, NodeSignal.Cont);
        return Task.CompletedTask;
    }

    public async Task CollectLogsAsync(string dir, CancellationToken ct)
    {
        foreach (var node in provider.Nodes)
        {
            await provider.FetchAsync(node, Path.Combine(node.Directory, LogName), Path.Combine(dir, node.Name, LogName), ct);
            await provider.FetchAsync(node, ConfigPath(node), Path.Combine(dir, node.Name, "zoo.cfg"), ct);
        }
    }

    public async Task TeardownAsync()
    {
        foreach (var node in provider.Nodes) await KillAsync(node, CancellationToken.None);
        log("zookeeper: all servers stopped");
    }

    const string LogName = "zookeeper.log";
    static string DataDir(Node node) => Path.Combine(node.Directory, "data");
    static string ConfigPath(Node node) => Path.Combine(node.Directory, "zoo.cfg");
}
