using System.Diagnostics;
using Checker.Runner.Databases.ZooKeeper;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

namespace Checker.Benchmarks;

/// <summary>
/// The same partition (the ZooKeeper leader cut off, silently) through the fault proxy and through
/// iptables in network namespaces (root), trial after trial, interleaved: how long the isolated leader
/// takes to step down, how long until another node leads, and how long after the heal until the old
/// leader serves again as a member. Prints each; never passes or fails.
/// </summary>
public static class PartitionBench
{
    public static int Run(int trials)
    {
        if (!Environment.IsPrivilegedProcess) { Console.Error.WriteLine("partition bench: netns needs root"); return 5; }
        var root = Directory.CreateTempSubdirectory("checker-partition-").FullName;
        try { return RunAsync(trials, root).GetAwaiter().GetResult(); }
        finally { Directory.Delete(root, recursive: true); }
    }

    static async Task<int> RunAsync(int trials, string root)
    {
        var results = new Dictionary<string, List<(double Down, double Next, double Rejoin)>> { ["proxy"] = [], ["netns"] = [] };
        await using var proxy = await Ensemble.StartAsync(Path.Combine(root, "proxy"), "proxy");
        await using var netns = await Ensemble.StartAsync(Path.Combine(root, "netns"), "netns");
        for (var t = 0; t < trials; t++)
            foreach (var (name, e) in new[] { ("proxy", proxy), ("netns", netns) })
            {
                var r = await e.IsolateLeaderOnceAsync();
                results[name].Add(r);
                Console.Out.WriteLine($"trial {t + 1,2} {name,-5}: leader stepped down {r.Down:0.00} s, new leader {r.Next:0.00} s, rejoined {r.Rejoin:0.00} s after the heal");
            }
        foreach (var (name, rs) in results)
            Console.Out.WriteLine($"{name,-5}: step down median {Median(rs.Select(r => r.Down)):0.00} s, new leader {Median(rs.Select(r => r.Next)):0.00} s, " +
                                  $"rejoin {Median(rs.Select(r => r.Rejoin)):0.00} s ({rs.Count} trials)");
        return 0;
    }

    static double Median(IEnumerable<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }

    sealed class Ensemble : IAsyncDisposable
    {
        readonly INodeProvider nodes;
        readonly INetwork network;
        readonly ZooKeeperDb db;

        Ensemble(INodeProvider nodes, INetwork network, ZooKeeperDb db) => (this.nodes, this.network, this.db) = (nodes, network, db);

        public static async Task<Ensemble> StartAsync(string root, string isolation)
        {
            var spec = new TestSpec { Nodes = new NodesSpec { Isolation = isolation } };
            var nodes = await NodeProviders.CreateAsync(spec.Nodes, root, _ => { }, CancellationToken.None);
            var network = await Networks.StartAsync(spec, nodes, new ZooKeeperSuite().PeerPorts, CancellationToken.None);
            var db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, nodes, network, $"bench-{isolation}-{Environment.ProcessId}", _ => { });
            await db.SetupAsync(CancellationToken.None);
            return new Ensemble(nodes, network, db);
        }

        public async Task<(double Down, double Next, double Rejoin)> IsolateLeaderOnceAsync()
        {
            await db.WaitForQuorumAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            var leader = (await db.FindPrimaryAsync(CancellationToken.None))!;
            var clock = Stopwatch.StartNew();
            await network.PartitionAsync(Partitions.Isolate(nodes.Nodes.Select(n => n.Name).ToList(), leader.Name), PartitionMode.Blackhole, CancellationToken.None);
            double down = double.NaN, next = double.NaN;
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && (double.IsNaN(down) || double.IsNaN(next)))
            {
                if (double.IsNaN(down) && await ModeAsync(leader) != "leader") down = clock.Elapsed.TotalSeconds;
                if (double.IsNaN(next) && await db.FindPrimaryAsync(CancellationToken.None) is { } p && p != leader && await ModeAsync(leader) != "leader")
                    next = clock.Elapsed.TotalSeconds;
                await Task.Delay(20);
            }
            await network.HealAsync(CancellationToken.None);
            var healed = Stopwatch.StartNew();
            while (healed.Elapsed < TimeSpan.FromSeconds(60) && await ModeAsync(leader) is not ("follower" or "leader")) await Task.Delay(20);
            return (down, next, healed.Elapsed.TotalSeconds);
        }

        Task<string?> ModeAsync(Node node)
        {
            var (host, port) = db.ClientEndpoint(node);
            return ZooKeeperFourLetterWords.ModeAsync(host, port, TimeSpan.FromSeconds(1), CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await db.TeardownAsync();
            await network.DisposeAsync();
            await nodes.TeardownAsync();
        }
    }
}
