using System.Diagnostics;
using Checker.Runner.Databases.ZooKeeper;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

namespace Checker.Benchmarks;

/// <summary>
/// How long a 3-node ZooKeeper ensemble serves nothing after its leader is SIGKILLed, through the fault
/// proxy and with the servers talking directly, kill after kill, interleaved: the proxy must not change
/// what a database does when a node dies. Prints each distribution; never passes or fails.
/// </summary>
public static class KillLeaderBench
{
    public static int Run(int kills)
    {
        var root = Directory.CreateTempSubdirectory("checker-kill-leader-").FullName;
        try { return RunAsync(kills, root).GetAwaiter().GetResult(); }
        finally { Directory.Delete(root, recursive: true); }
    }

    static async Task<int> RunAsync(int kills, string root)
    {
        var suite = new ZooKeeperSuite();
        await using var proxied = await Ensemble.StartAsync(Path.Combine(root, "proxy"), nodes => Networks.StartAsync(new TestSpec(), nodes, suite.PeerPorts, CancellationToken.None));
        await using var direct = await Ensemble.StartAsync(Path.Combine(root, "direct"), _ => Task.FromResult<INetwork>(new DirectNetwork()));
        var times = new Dictionary<string, List<double>> { ["proxy"] = [], ["direct"] = [] };
        for (var k = 0; k < kills; k++)
            foreach (var (name, e) in new[] { ("proxy", proxied), ("direct", direct) })
            {
                var seconds = await e.KillLeaderOnceAsync();
                times[name].Add(seconds);
                Console.Out.WriteLine($"kill {k + 1,2} {name,-6}: first ok write {seconds:0.00} s after the kill");
            }
        foreach (var (name, t) in times)
        {
            var s = t.Order().ToList();
            Console.Out.WriteLine($"{name,-6}: {s.Count} kills, min {s[0]:0.00} s, median {s[s.Count / 2]:0.00} s, p90 {s[(int)(s.Count * 0.9)]:0.00} s, max {s[^1]:0.00} s, over 2 s: {s.Count(x => x > 2)}");
        }
        return 0;
    }

    sealed class Ensemble : IAsyncDisposable
    {
        readonly LocalNodeProvider nodes;
        readonly INetwork network;
        readonly ZooKeeperDb db;

        Ensemble(LocalNodeProvider nodes, INetwork network, ZooKeeperDb db) => (this.nodes, this.network, this.db) = (nodes, network, db);

        public static async Task<Ensemble> StartAsync(string root, Func<INodeProvider, Task<INetwork>> network)
        {
            var nodes = LocalNodeProvider.Create(3, root);
            var net = await network(nodes);
            var db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, nodes, net, $"bench-{Path.GetFileName(root)}-{Environment.ProcessId}", _ => { });
            await db.SetupAsync(CancellationToken.None);
            return new Ensemble(nodes, net, db);
        }

        /// <summary>Kills the leader, times the first ok write on a survivor, restarts it and waits for the quorum.</summary>
        public async Task<double> KillLeaderOnceAsync()
        {
            await db.WaitForQuorumAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            var leader = await db.FindPrimaryAsync(CancellationToken.None) ?? throw new InvalidOperationException("no leader");
            var survivors = nodes.Nodes.Where(n => n != leader).ToList();
            var clock = Stopwatch.StartNew();
            await db.KillAsync(leader, CancellationToken.None);
            using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var first = await Task.WhenAny(survivors.Select(n => FirstOkWriteAsync(n, clock, done.Token)));
            var seconds = await first;
            done.Cancel();
            await db.RestartAsync(leader, CancellationToken.None);
            return seconds;
        }

        async Task<double> FirstOkWriteAsync(Node node, Stopwatch clock, CancellationToken ct)
        {
            var options = new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(4), RequestTimeout = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromMilliseconds(500) };
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var (host, port) = db.ClientEndpoint(node);
                    await using var zk = await ZooKeeperClient.ConnectAsync(host, port, options, ct);
                    await zk.CreateAsync("/kill-leader-", [], CreateMode.EphemeralSequential);
                    return clock.Elapsed.TotalSeconds;
                }
                catch (Exception e) when (e is not OperationCanceledException) { await Task.Delay(20, CancellationToken.None); }
            }
            return double.PositiveInfinity;
        }

        public async ValueTask DisposeAsync()
        {
            await db.TeardownAsync();
            await network.DisposeAsync();
            await nodes.TeardownAsync();
        }
    }
}
