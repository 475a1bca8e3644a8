using System.Diagnostics;
using Checker.Databases.ZooKeeper;
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
        await using var proxy = await BenchEnsemble.StartAsync(Path.Combine(root, "proxy"), new NodesSpec { Settings = { ["isolation"] = "proxy" } });
        await using var netns = await BenchEnsemble.StartAsync(Path.Combine(root, "netns"), new NodesSpec { Settings = { ["isolation"] = "netns" } });
        for (var t = 0; t < trials; t++)
            foreach (var (name, e) in new[] { ("proxy", proxy), ("netns", netns) })
            {
                var r = await IsolateLeaderOnceAsync(e);
                results[name].Add(r);
                Console.Out.WriteLine($"trial {t + 1,2} {name,-5}: leader stepped down {r.Down:0.00} s, new leader {r.Next:0.00} s, rejoined {r.Rejoin:0.00} s after the heal");
            }
        foreach (var (name, rs) in results)
            Console.Out.WriteLine($"{name,-5}: step down median {Median(rs.Select(r => r.Down)):0.00} s, new leader {Median(rs.Select(r => r.Next)):0.00} s, " +
                                  $"rejoin {Median(rs.Select(r => r.Rejoin)):0.00} s ({rs.Count} trials)");
        return 0;
    }

    static double Median(IEnumerable<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }

    static async Task<(double Down, double Next, double Rejoin)> IsolateLeaderOnceAsync(BenchEnsemble ensemble)
    {
        await ensemble.Db.WaitForQuorumAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var leader = (await ensemble.Db.FindPrimaryAsync(CancellationToken.None))!;
        var clock = Stopwatch.StartNew();
        await ensemble.Network.PartitionAsync(Partitions.Isolate(ensemble.Nodes.Nodes.Select(n => n.Name).ToList(), leader.Name), PartitionMode.Blackhole, CancellationToken.None);
        double down = double.NaN, next = double.NaN;
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && (double.IsNaN(down) || double.IsNaN(next)))
        {
            if (double.IsNaN(down) && await ensemble.ModeAsync(leader) != "leader") down = clock.Elapsed.TotalSeconds;
            if (double.IsNaN(next) && await ensemble.Db.FindPrimaryAsync(CancellationToken.None) is { } p && p != leader && await ensemble.ModeAsync(leader) != "leader")
                next = clock.Elapsed.TotalSeconds;
            await Task.Delay(20);
        }
        await ensemble.Network.HealAsync(CancellationToken.None);
        var healed = Stopwatch.StartNew();
        while (healed.Elapsed < TimeSpan.FromSeconds(60) && await ensemble.ModeAsync(leader) is not ("follower" or "leader")) await Task.Delay(20);
        return (down, next, healed.Elapsed.TotalSeconds);
    }
}
