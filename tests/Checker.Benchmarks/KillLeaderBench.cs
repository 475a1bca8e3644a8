using System.Diagnostics;
using Checker.Databases.ZooKeeper;
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
        await using var proxied = await BenchEnsemble.StartAsync(Path.Combine(root, "proxy"), new NodesSpec());
        await using var direct = await BenchEnsemble.StartAsync(Path.Combine(root, "direct"), new NodesSpec(), direct: true);
        var times = new Dictionary<string, List<double>> { ["proxy"] = [], ["direct"] = [] };
        for (var k = 0; k < kills; k++)
            foreach (var (name, e) in new[] { ("proxy", proxied), ("direct", direct) })
            {
                var seconds = await KillLeaderOnceAsync(e);
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

    /// <summary>Kills the leader, times the first ok write on a survivor, restarts it and waits for the quorum.</summary>
    static async Task<double> KillLeaderOnceAsync(BenchEnsemble ensemble)
    {
        await ensemble.Db.WaitForQuorumAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var leader = await ensemble.Db.FindPrimaryAsync(CancellationToken.None) ?? throw new InvalidOperationException("no leader");
        var survivors = ensemble.Nodes.Nodes.Where(n => n != leader).ToList();
        var clock = Stopwatch.StartNew();
        await ensemble.Db.KillAsync(leader, CancellationToken.None);
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = await Task.WhenAny(survivors.Select(n => FirstOkWriteAsync(ensemble, n, clock, done.Token)));
        var seconds = await first;
        done.Cancel();
        await ensemble.Db.RestartAsync(leader, CancellationToken.None);
        return seconds;
    }

    static async Task<double> FirstOkWriteAsync(BenchEnsemble ensemble, Node node, Stopwatch clock, CancellationToken ct)
    {
        var options = new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(4), RequestTimeout = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (host, port) = ensemble.Db.ClientEndpoint(node);
                await using var zk = await ZooKeeperClient.ConnectAsync(host, port, options, ct);
                await zk.CreateAsync("/kill-leader-", [], CreateMode.EphemeralSequential);
                return clock.Elapsed.TotalSeconds;
            }
            catch (Exception e) when (e is not OperationCanceledException) { await Task.Delay(20, CancellationToken.None); }
        }
        return double.PositiveInfinity;
    }
}
