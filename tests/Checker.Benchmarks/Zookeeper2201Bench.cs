using Checker.Core.Checks;
using Checker.Runner.Databases;
using Checker.Databases.ZooKeeper.Candidates;
using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Benchmarks;

/// <summary>
/// Does Checker find ZOOKEEPER-2201? Seeded runs of workloads/zookeeper-2201.json on the candidate with the
/// fix taken out, then the same seeds on Debian's ZooKeeper, on netns nodes (or Docker nodes with --docker;
/// both need root). Each run prints its verdict, why, and whether a thread dump taken during the stall
/// shows the bug: a thread blocked in a socket write while it holds a DataNode's lock, and another
/// thread waiting for a DataNode lock.
/// </summary>
public static class Zookeeper2201Bench
{
    public static int Run(string[] args)
    {
        var runs = args.FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n) : 5;
        var docker = args.Contains("--docker");
        var results = Directory.CreateTempSubdirectory("checker-2201-").FullName;
        // Docker nodes run on a daemon of the benchmark's own, as the Docker tests' do.
        using var daemon = docker ? Checker.Tests.TestDockerd.Start() : null;
        if (daemon is not null) Environment.SetEnvironmentVariable("DOCKER_HOST", daemon.Endpoint);
        try
        {
            var candidate = CandidateBuilder.EnsureAsync(BugCandidate.Zookeeper2201, CandidateBuilder.CacheDirectory, Console.Error.WriteLine,
                CancellationToken.None).GetAwaiter().GetResult();
            foreach (var (label, install) in new[] { ("zookeeper-2201 candidate", candidate), ("Debian's ZooKeeper", (string?)null) })
            {
                var invalid = 0;
                var withSignature = 0;
                for (var seed = 1; seed <= runs; seed++)
                {
                    var overrides = new List<KeyValuePair<string, string>>();
                    if (install is not null) overrides.Add(KeyValuePair.Create("db.install", install));
                    if (docker) overrides.Add(KeyValuePair.Create("nodes.provider", "docker"));
                    var spec = SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "zookeeper-2201.json"), overrides);
                    var outcome = TestRunner.RunAsync(spec, new RunOptions(results, seed), CancellationToken.None).GetAwaiter().GetResult();
                    var availability = outcome.Checks.FirstOrDefault(c => c.Checker == "availability");
                    var recovery = outcome.Checks.FirstOrDefault(c => c.Checker == "recovery");
                    var signature = Directory.GetFiles(outcome.Folder.NodeLogs, "threads-*.txt", SearchOption.AllDirectories).Any(ShowsTheBug);
                    if (outcome.Verdict == Verdict.Invalid) invalid++;
                    if (signature) withSignature++;
                    Console.Out.WriteLine($"  {label}, seed {seed}: {outcome.Verdict.ToString().ToLowerInvariant()}; availability " +
                        $"{availability?.Verdict.ToString().ToLowerInvariant() ?? "not run"}; dump shows the blocked write under a lock: {(signature ? "yes" : "no")}" +
                        $"{First(availability)}{First(recovery)}\n    dumps: {DumpTimes(outcome.Folder.Results)}");
                }
                Console.Out.WriteLine($"{label} on {(docker ? "Docker" : "netns")} nodes: {invalid} of {runs} runs invalid, {withSignature} with the bug's thread dump");
            }
            return 0;
        }
        catch (EnvironmentException e)
        {
            Console.Error.WriteLine($"zookeeper-2201 bench: {e.Message}");
            return 5;
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", null);
            Directory.Delete(results, recursive: true);
        }
    }

    /// <summary>The first line of an invalid check's summary, cut to a readable length.</summary>
    static string First(CheckResult? r) =>
        r?.Verdict == Verdict.Invalid && r.Summary.Split('\n')[0] is var line ? $"\n    {r.Checker}: {line[..Math.Min(240, line.Length)]}" : "";

    /// <summary>When the run took thread dumps (seconds since its start), from results.json.</summary>
    static string DumpTimes(string results)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(results));
        return doc.RootElement.TryGetProperty("threadDumps", out var dumps)
            ? string.Join(", ", dumps.EnumerateArray().Select(d => $"{d.GetProperty("at").GetDouble():0.0}s"))
            : "none";
    }

    /// <summary>
    /// A thread dump showing ZOOKEEPER-2201: a thread in a socket write under DataTree.serializeNode holding a
    /// DataNode's lock, and another thread BLOCKED waiting to lock a DataNode.
    /// </summary>
    public static bool ShowsTheBug(string dumpFile)
    {
        var threads = File.ReadAllText(dumpFile).Split("\n\n");
        var writer = threads.Any(t => t.Contains("NioSocketImpl.implWrite") && t.Contains("DataTree.serializeNode")
                                      && t.Contains("- locked <") && t.Contains("(a org.apache.zookeeper.server.DataNode)"));
        var waiter = threads.Any(t => t.Contains("BLOCKED (on object monitor)") && t.Contains("- waiting to lock <")
                                      && t.Contains("(a org.apache.zookeeper.server.DataNode)"));
        return writer && waiter;
    }
}
