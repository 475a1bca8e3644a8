using System.Collections.Concurrent;
using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Etcdserverpb;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// A static etcd cluster, one member per node: its own data dir, clients served directly on the
/// node's address, peers reached through the network. Each member names its peers by their peer
/// URLs; where the network gives one member a different address for each peer (the local proxy,
/// one per directed link), every member's URLs are host names that its own hosts file resolves to
/// the address of that link (see <see cref="EtcdPeerNames"/>).
/// </summary>
/// <param name="candidate">A local etcd binary, directory or release .tar.gz to test; null: Debian's etcd on each
/// node.</param>
/// <param name="startTimeout">How long setup waits for every member to serve.</param>
public sealed class EtcdDb(
    EtcdSettings settings,
    string? candidate,
    TimeSpan startTimeout,
    INodeProvider provider,
    INetwork? network,
    string runId,
    Action<string> log
) : IDb, IKillableDb, IPausableDb, IPrimaryDb, ILogCollectingDb, IVersionedDb, IElectionLogDb, IThreadDumpingDb
{
    public const int ClientPort = 2379,
        PeerPort = 2380;
    public const string LogName = "etcd.log";

    readonly NodeServers servers = new(provider);
    readonly ConcurrentDictionary<string, EtcdInstall> installs = new();
    readonly EtcdPeerNames names = new(provider.Nodes, network is null ? null : network.PeerAddress);
    readonly ConcurrentQueue<(string Node, string Dump)> goroutineDumps = new();

    public (string Host, int Port) ClientEndpoint(Node node) => (node.Address, ClientPort);

    public async Task SetupAsync(CancellationToken ct)
    {
        if (
            names.NeedsHostsFiles
            && (await provider.RunAsync(provider.Nodes[0], "id", ["-u"], ct)).Output.Trim() != "0"
        )
            throw new EnvironmentException(
                "etcd on local nodes with peer faults needs root: each member resolves its peers' names through "
                    + "its own "
                    + "hosts file, bind-mounted in a private mount namespace (run as root, or without a peer network)"
            );
        await NodeServers.OncePerMachineAsync(provider, async node =>
        {
            installs[node.Name] = await EtcdInstall.OnNodeAsync(
                (c, a, t) => provider.RunAsync(node, c, a, t),
                (l, r, t) => provider.UploadAsync(node, l, r, t),
                candidate,
                $"{node.Directory}/install",
                node.Name,
                log,
                ct
            );
            await provider.RunAsync(node, "rm", ["-rf", DataDir(node)], ct);
            if (names.NeedsHostsFiles)
                await provider.WriteFileAsync(node, HostsPath(node), names.HostsFile(node), ct);
        });
        log($"etcd: {string.Join(", ", installs.Values.Select(i => i.Source).Distinct())}");
        await Task.WhenAll(provider.Nodes.Select(n => RestartAsync(n, ct)));
        await WaitUntilServingAsync(startTimeout, ct);
    }

    /// <summary>The member's command line. The cluster token carries the run id, which marks the process as
    /// Checker's.</summary>
    public IReadOnlyList<string> Arguments(Node node) =>
        [
            "--name",
            node.Name,
            "--data-dir",
            DataDir(node),
            "--listen-client-urls",
            $"http://{node.Address}:{ClientPort}",
            "--advertise-client-urls",
            $"http://{node.Address}:{ClientPort}",
            "--listen-peer-urls",
            $"http://{node.Address}:{PeerPort}",
            "--initial-advertise-peer-urls",
            names.PeerUrl(node, PeerPort),
            "--initial-cluster",
            string.Join(',', provider.Nodes.Select(n => $"{n.Name}={names.PeerUrl(n, PeerPort)}")),
            "--initial-cluster-state",
            "new",
            "--initial-cluster-token",
            $"checker-{runId}",
            "--heartbeat-interval",
            settings.HeartbeatMs.ToString(CultureInfo.InvariantCulture),
            "--election-timeout",
            settings.ElectionMs.ToString(CultureInfo.InvariantCulture),
            settings.PreVote ? "--pre-vote=true" : "--pre-vote=false",
            "--logger",
            "zap",
            "--enable-pprof", // /debug/pprof on the client URL: goroutine dumps while a stall lasts
        ];

    /// <summary>Starts the member if it is not running; with its data dir intact, it rejoins as the same
    /// member.</summary>
    public Task RestartAsync(Node node, CancellationToken ct) =>
        servers.StartAsync(
            node,
            () =>
            {
                var install = installs[node.Name];
                var (command, args) = names.NeedsHostsFiles
                    // unshare without --fork and sh's exec keep one pid from start to etcd, so signals reach etcd
                    // itself.
                    ? (
                        "unshare",
                        (IReadOnlyList<string>)
                            [
                                "--mount",
                                "--propagation",
                                "private",
                                "sh",
                                "-c",
                                "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
                                HostsPath(node),
                                install.Binary,
                                .. Arguments(node),
                            ]
                    )
                    : (install.Binary, Arguments(node));
                return provider.StartAsync(node, "etcd", command, args, LogPath(node), ct);
            },
            ct
        );

    /// <summary>Polls until a linearizable read succeeds through every member: the cluster has a leader and
    /// serves.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var serving = new bool[provider.Nodes.Count];
        string? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < serving.Length; i++)
            {
                if (serving[i])
                    continue;
                try
                {
                    using var channel = Open(provider.Nodes[i]);
                    await channel.Client.GetAsync(
                        new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("checker-ready") },
                        deadline: DateTime.UtcNow.AddSeconds(2),
                        cancellationToken: ct
                    );
                    serving[i] = true;
                }
                catch (RpcException e)
                {
                    lastError = $"{provider.Nodes[i]}: {EtcdOutcomes.Describe(e)}";
                }
            }
            if (serving.All(s => s))
                return;
            await ThrowIfAnyMemberExitedAsync(ct);
            await Task.Delay(200, ct);
        }
        var logs = string.Join("; ", provider.Nodes.Select(n => $"{n}: {LogPath(n)}"));
        throw new EnvironmentException(
            $"etcd did not serve within {timeout.TotalSeconds:0}s (last error: {lastError ?? "none"}); see {logs}"
        );
    }

    /// <summary>A member that exits while the cluster forms will not come back: say so now, with the end of its
    /// log.</summary>
    async Task ThrowIfAnyMemberExitedAsync(CancellationToken ct)
    {
        foreach (var node in provider.Nodes)
        {
            if (servers.Of(node) is null || await servers.IsRunningAsync(node, ct))
                continue;
            var tail = await provider.RunAsync(node, "tail", ["-n", "5", LogPath(node)], ct);
            throw new EnvironmentException(
                $"etcd on {node} exited while the cluster formed; the end of its log:\n{tail.Output.Trim()}"
            );
        }
    }

    /// <summary>Asks each member's maintenance status; the leader is the member whose id is the leader it
    /// reports.</summary>
    public async Task<Node?> FindPrimaryAsync(CancellationToken ct)
    {
        var statuses = await Task.WhenAll(
            provider.Nodes.Select(async n =>
            {
                try
                {
                    using var channel = Open(n);
                    var status = await channel.Client.StatusAsync(
                        new StatusRequest(),
                        deadline: DateTime.UtcNow.AddSeconds(1),
                        cancellationToken: ct
                    );
                    return (Node: n, status.Header.MemberId, status.Leader);
                }
                catch (RpcException)
                {
                    return (Node: n, MemberId: 0UL, Leader: 0UL);
                }
            })
        );
        return statuses.FirstOrDefault(s => s.MemberId != 0 && s.MemberId == s.Leader).Node;
    }

    /// <summary>Each member's version from its maintenance status (what the running binary says, e.g.
    /// "3.4.30").</summary>
    public async Task<IReadOnlyDictionary<string, string?>> VersionsAsync(CancellationToken ct)
    {
        var versions = await Task.WhenAll(
            provider.Nodes.Select(async n =>
            {
                try
                {
                    using var channel = Open(n);
                    var status = await channel.Client.StatusAsync(
                        new StatusRequest(),
                        deadline: DateTime.UtcNow.AddSeconds(2),
                        cancellationToken: ct
                    );
                    return (n.Name, (string?)status.Version);
                }
                catch (RpcException)
                {
                    return (n.Name, null);
                }
            })
        );
        return versions.ToDictionary(v => v.Item1, v => v.Item2);
    }

    /// <summary>The member's running process, if any (tests signal it directly).</summary>
    internal NodeProcess? ProcessOf(Node node) => servers.Of(node);

    public Task KillAsync(Node node, CancellationToken ct) => servers.KillAsync(node, ct);

    public Task PauseAsync(Node node, CancellationToken ct) => servers.PauseAsync(node, ct);

    public Task ResumeAsync(Node node, CancellationToken ct) => servers.ResumeAsync(node, ct);

    /// <summary>
    /// Every running member's goroutines with their stacks (pprof's goroutine profile at debug=2, which the
    /// member serves without stopping), kept for CollectLogsAsync; a member that does not answer is left out.
    /// </summary>
    public async Task<IReadOnlyList<string>> DumpThreadsAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var dumped = new List<string>();
        foreach (var node in provider.Nodes)
        {
            if (servers.Of(node) is not { } p || !await provider.IsRunningAsync(p, ct))
                continue;
            try
            {
                var dump = await http.GetStringAsync(
                    $"http://{node.Address}:{ClientPort}/debug/pprof/goroutine?debug=2",
                    ct
                );
                goroutineDumps.Enqueue((node.Name, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff} UTC\n{dump}"));
                dumped.Add(node.Name);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            { }
        }
        return dumped;
    }

    /// <summary>
    /// Each member's log, and its hosts file when it has one (it shows which address each peer had); each
    /// goroutine dump taken during the run as threads-N.txt beside them.
    /// </summary>
    public async Task CollectLogsAsync(string dir, CancellationToken ct)
    {
        await servers.CollectAsync(dir, node => [(LogPath(node), LogName), (HostsPath(node), "hosts")], ct);
        foreach (var group in goroutineDumps.GroupBy(d => d.Node))
        {
            var n = 0;
            Directory.CreateDirectory(Path.Combine(dir, group.Key));
            foreach (var (_, dump) in group)
                await File.WriteAllTextAsync(Path.Combine(dir, group.Key, $"threads-{++n}.txt"), dump, ct);
        }
    }

    /// <summary>The leader elections in each member's collected etcd.log (see <see cref="EtcdElections"/>).</summary>
    public IReadOnlyList<Core.Checks.LeaderElection> ElectionsFromLogs(string dir, DateTimeOffset origin) =>
        EtcdElections.Parse(
            provider
                .Nodes.Select(n => (n.Name, Path: Path.Combine(dir, n.Name, LogName)))
                .Where(l => File.Exists(l.Path))
                .ToDictionary(l => l.Name, l => File.ReadLines(l.Path)),
            origin
        );

    public async Task TeardownAsync()
    {
        await servers.KillAllAsync();
        log("etcd: all members stopped");
    }

    static EtcdChannel Open(Node node) => new(node.Address, ClientPort, TimeSpan.FromSeconds(1));

    static string LogPath(Node node) => $"{node.Directory}/{LogName}";

    static string DataDir(Node node) => $"{node.Directory}/etcd-data";

    static string HostsPath(Node node) => $"{node.Directory}/hosts";
}
