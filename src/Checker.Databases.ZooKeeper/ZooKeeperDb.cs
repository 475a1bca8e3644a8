using System.Collections.Concurrent;
using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// A ZooKeeper ensemble, one server per node. Each node's zoo.cfg names its peers at the addresses
/// the network gives for them, so the nemesis's faults sit between every pair of servers.
/// </summary>
public sealed class ZooKeeperDb(
    ZooKeeperSettings settings,
    DbSpec db,
    string? candidate,
    INodeProvider provider,
    INetwork network,
    string runId,
    Action<string> log
) : IDb, IKillableDb, IPausableDb, IPrimaryDb, ILogCollectingDb, IVersionedDb, IThreadDumpingDb
{
    public const int ClientPort = 2181,
        QuorumPort = 2888,
        ElectionPort = 3888;

    readonly NodeServers servers = new(provider);
    readonly ConcurrentDictionary<string, ZooKeeperInstall> installs = new();

    /// <summary>The proxy handshake for a link: election connections advertise the reverse link's address.</summary>
    public static Handshake? HandshakeFor(int port, Node from, Node to, Func<Node, Node, string> peerAddress) =>
        port == ElectionPort ? ElectionHandshake.Rewrite($"{peerAddress(to, from)}:{ElectionPort}") : null;

    public (string Host, int Port) ClientEndpoint(Node node) => (node.Address, ClientPort);

    /// <summary>The client session timeout asked for (seconds; the servers negotiate it within 2..20 ticks).</summary>
    public double SessionTimeout => settings.SessionTimeout;

    public async Task SetupAsync(CancellationToken ct)
    {
        var release = await Candidates.CandidateBuilder.ResolveAsync(candidate, log, ct);
        await NodeServers.OncePerMachineAsync(provider, async node =>
        {
            installs[node.Name] = await ZooKeeperInstall.OnNodeAsync(
                (c, a, t) => provider.RunAsync(node, c, a, t),
                (l, r, t) => provider.UploadAsync(node, l, r, t),
                release,
                $"{node.Directory}/install",
                node.Name,
                log,
                ct
            );
            await provider.RunAsync(node, "mkdir", ["-p", DataDir(node)], ct);
            await provider.WriteFileAsync(node, $"{DataDir(node)}/myid", $"{node.Id}\n", ct);
            await provider.WriteFileAsync(node, ConfigPath(node), Config(node), ct);
        });
        log($"zookeeper: {string.Join(", ", installs.Values.Select(i => i.Source).Distinct())}");
        await Task.WhenAll(provider.Nodes.Select(n => RestartAsync(n, ct)));
        await WaitForQuorumAsync(TimeSpan.FromSeconds(db.StartTimeout), ct);
    }

    /// <summary>zoo.cfg for one node: its own address for itself, the network's peer addresses for the
    /// others.</summary>
    public string Config(Node node) =>
        new ZooKeeperServerConfig(DataDir(node), node.Address, ClientPort)
        {
            Id = node.Id,
            TickTimeMs = settings.TickTimeMs,
            InitLimit = settings.InitLimit,
            SyncLimit = settings.SyncLimit,
            Ensemble = provider
                .Nodes.Select(peer => new ZooKeeperPeer(
                    peer.Id,
                    peer == node ? peer.Address : network.PeerAddress(node, peer),
                    QuorumPort,
                    ElectionPort
                ))
                .ToList(),
        }.Render();

    Task<string?[]> ModesAsync(CancellationToken ct) =>
        Task.WhenAll(
            provider.Nodes.Select(n =>
            {
                var (host, port) = ClientEndpoint(n);
                return ZooKeeperFourLetterWords.ModeAsync(host, port, TimeSpan.FromSeconds(1), ct);
            })
        );

    /// <summary>Polls srvr until every node serves and exactly one is leader.</summary>
    public async Task WaitForQuorumAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        string?[] modes = [];
        while (DateTime.UtcNow < deadline)
        {
            modes = await ModesAsync(ct);
            var leaders = modes.Count(m => m is "leader" or "standalone");
            if (leaders == 1 && modes.All(m => m is "leader" or "follower" or "standalone"))
                return;
            await Task.Delay(200, ct);
        }
        var logs = string.Join("; ", provider.Nodes.Select(n => $"{n}: {LogPath(n)}"));
        throw new EnvironmentException(
            $"ZooKeeper did not form a quorum within {timeout.TotalSeconds:0}s (modes: "
                + $"{string.Join(", ", modes.Select(m => m ?? "down"))}); see {logs}"
        );
    }

    /// <summary>The "Zookeeper version:" line of each server's srvr reply (version, git hash and build date, as the jar
    /// says).</summary>
    public async Task<IReadOnlyDictionary<string, string?>> VersionsAsync(CancellationToken ct)
    {
        var replies = await Task.WhenAll(
            provider.Nodes.Select(n =>
            {
                var (host, port) = ClientEndpoint(n);
                return ZooKeeperFourLetterWords.SendAsync(host, port, "srvr", TimeSpan.FromSeconds(2), ct);
            })
        );
        return provider.Nodes.Zip(replies).ToDictionary(p => p.First.Name, p => VersionOf(p.Second));
    }

    /// <summary>The version from a srvr reply ("Zookeeper version: 3.8.0-..., built on ..."), or null if the line is
    /// missing.</summary>
    public static string? VersionOf(string srvrReply) =>
        srvrReply
            .Split('\n')
            .Select(l => l.Trim())
            .FirstOrDefault(l => l.StartsWith("Zookeeper version:", StringComparison.Ordinal))
            is { } line
            ? line["Zookeeper version:".Length..].Trim()
            : null;

    public async Task<Node?> FindPrimaryAsync(CancellationToken ct)
    {
        var modes = await ModesAsync(ct);
        var i = Array.FindIndex(modes, m => m is "leader" or "standalone");
        return i < 0 ? null : provider.Nodes[i];
    }

    public Task KillAsync(Node node, CancellationToken ct) => servers.KillAsync(node, ct);

    public Task RestartAsync(Node node, CancellationToken ct) =>
        servers.StartAsync(
            node,
            () =>
            {
                var install = installs[node.Name];
                // marks the process as Checker's, for `checker clean`
                var jvm = settings.JvmOpts.Append($"-Dchecker.run={runId}");
                return provider.StartAsync(
                    node,
                    "zookeeper",
                    install.Java,
                    install.ServerArguments(ConfigPath(node), jvm),
                    LogPath(node),
                    ct
                );
            },
            ct
        );

    public Task PauseAsync(Node node, CancellationToken ct) => servers.PauseAsync(node, ct);

    public Task ResumeAsync(Node node, CancellationToken ct) => servers.ResumeAsync(node, ct);

    /// <summary>SIGQUIT to every running server: the JVM writes its threads, and the locks they hold or wait for, to
    /// its log.</summary>
    public async Task<IReadOnlyList<string>> DumpThreadsAsync(CancellationToken ct)
    {
        var asked = new List<string>();
        foreach (var node in provider.Nodes)
            if (servers.Of(node) is { } p && await provider.IsRunningAsync(p, ct))
            {
                await provider.SignalAsync(p, NodeSignal.Quit, ct);
                asked.Add(node.Name);
            }
        return asked;
    }

    /// <summary>Each node's log and config, and each thread dump in its log as a file of its own (threads-1.txt,
    /// ...).</summary>
    public async Task CollectLogsAsync(string dir, CancellationToken ct)
    {
        await servers.CollectAsync(dir, node => [(LogPath(node), LogName), (ConfigPath(node), "zoo.cfg")], ct);
        foreach (var node in provider.Nodes)
            if (File.Exists(Path.Combine(dir, node.Name, LogName)))
                ThreadDumps.Extract(Path.Combine(dir, node.Name, LogName), Path.Combine(dir, node.Name));
    }

    public async Task TeardownAsync()
    {
        await servers.KillAllAsync();
        log("zookeeper: all servers stopped");
    }

    const string LogName = "zookeeper.log";

    static string LogPath(Node node) => $"{node.Directory}/{LogName}";

    static string DataDir(Node node) => $"{node.Directory}/data";

    static string ConfigPath(Node node) => $"{node.Directory}/zoo.cfg";
}
