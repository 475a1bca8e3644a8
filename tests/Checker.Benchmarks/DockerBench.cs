using System.Diagnostics;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Net;
using Checker.Nodes.Docker;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Checker.Tests;

namespace Checker.Benchmarks;

/// <summary>
/// Docker nodes (needs root and Debian's docker.io), on a dockerd of the benchmark's own: the node image
/// (built cold with --cold, imported from the cache into a fresh daemon, already there), 3 and 5
/// containers from nothing to a serving ZooKeeper ensemble, and register throughput on Docker nodes next
/// to local nodes in the same run.
/// </summary>
public static class DockerBench
{
    public static int Run(string[] args)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("docker bench: needs root");
            return 5;
        }
        using var daemon = TestDockerd.Start();
        Environment.SetEnvironmentVariable("DOCKER_HOST", daemon.Endpoint);
        try
        {
            RunAsync(daemon, args.Contains("--cold")).GetAwaiter().GetResult();
            return 0;
        }
        finally { Environment.SetEnvironmentVariable("DOCKER_HOST", null); }
    }

    static async Task RunAsync(TestDockerd daemon, bool cold)
    {
        using var client = await DockerDaemon.ConnectAsync(daemon.Endpoint, CancellationToken.None);
        var recipe = ImageRecipe.Default();
        if (cold)
        {
            var cache = Directory.CreateTempSubdirectory("checker-bench-cache-").FullName;
            try
            {
                var clock = Stopwatch.StartNew();
                await NodeImage.RootfsAsync(recipe, cache, _ => { }, CancellationToken.None);
                var built = clock.Elapsed;
                Console.Out.WriteLine($"node image, cold: mmdebstrap {built.TotalSeconds:0} s, {new FileInfo(Path.Combine(cache, recipe.RootfsName)).Length / 1_000_000} MB");
            }
            finally { Directory.Delete(cache, recursive: true); }
        }
        var warm = Stopwatch.StartNew();
        var source = await NodeImage.EnsureAsync(client, recipe, NodeImage.CacheDirectory, _ => { }, CancellationToken.None);
        Console.Out.WriteLine($"node image on a fresh daemon: {source.ToString().ToLowerInvariant()} in {warm.Elapsed.TotalSeconds:0.0} s");
        warm.Restart();
        await NodeImage.EnsureAsync(client, recipe, NodeImage.CacheDirectory, _ => { }, CancellationToken.None);
        Console.Out.WriteLine($"node image already there: checked in {warm.Elapsed.TotalMilliseconds:0} ms");

        foreach (var count in (int[])[3, 5])
        {
            var containers = new List<double>();
            var serving = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var (c, s) = await ToServingAsync(count);
                containers.Add(c);
                serving.Add(s);
            }
            Console.Out.WriteLine($"{count} containers from nothing: made and wired {Summary(containers)}; ZooKeeper serving {Summary(serving)} (from nothing, image cached)");
        }

        var results = Directory.CreateTempSubdirectory("checker-bench-").FullName;
        try
        {
            foreach (var provider in (string[])["docker", "local"])
            {
                var spec = SpecLoader.Load(RepositoryPaths.DefaultSpec,
                [
                    new("time-limit", "10"), new("rate", "0"), new("concurrency", "12"), new("nemesis.faults", ""),
                    new("recovery.final-reads", "0"), new("name", $"bench-{provider}"), new("nodes.provider", provider),
                ]);
                var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 1), CancellationToken.None);
                var json = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(outcome.Folder.Results));
                Console.Out.WriteLine($"{provider} 3-node ZooKeeper, 12 unpaced workers, 10 s, no faults: {json["okPerSecond"]} ok ops/s, " +
                                      $"serving {json["secondsToServing"]} s after the nodes were up (verdict {outcome.Verdict.ToString().ToLowerInvariant()})");
            }
        }
        finally { Directory.Delete(results, recursive: true); }
    }

    /// <summary>Seconds to have the containers made and wired, and to have ZooKeeper serving on them, from nothing.</summary>
    static async Task<(double Containers, double Serving)> ToServingAsync(int count)
    {
        var spec = SpecLoader.Load(RepositoryPaths.DefaultSpec, [new("nodes.provider", "docker"), new("nodes.count", count.ToString())]);
        var clock = Stopwatch.StartNew();
        await using var nodes = await DockerNodeProvider.CreateAsync(new DockerNodeOptions(count, $"/tmp/checker-bench-{Guid.NewGuid():N}"[..32]), null, _ => { }, CancellationToken.None);
        var made = clock.Elapsed.TotalSeconds;
        await using var network = await Networks.StartAsync(spec, nodes, new ZooKeeperSuite().PeerPorts, CancellationToken.None);
        var db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, nodes, network, $"bench-{Environment.ProcessId}", _ => { });
        try
        {
            await db.SetupAsync(CancellationToken.None);
            return (made, clock.Elapsed.TotalSeconds);
        }
        finally { await db.TeardownAsync(); }
    }

    static string Summary(List<double> seconds)
    {
        var sorted = seconds.Order().ToList();
        return $"median {sorted[sorted.Count / 2]:0.0} s (min {sorted[0]:0.0}, max {sorted[^1]:0.0})";
    }
}
