using Checker.Runner.Databases;
using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Benchmarks;

/// <summary>The runner: the generator's own ceiling, then a real local ensemble's throughput and start-up.</summary>
public static class RunnerBench
{
    public static int Execute(string[] args)
    {
        var (opsPerSecond, ops) = GeneratorBenchmark.RunAsync(concurrency: 8, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
        Console.Out.WriteLine($"generator + recorder, in-memory client, 8 workers: {opsPerSecond:N0} ops/s ({ops:N0} ops in 3 s, history flushed per line)");
        if (args.Contains("--no-zookeeper")) return 0;

        var spec = SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec,
        [
            new("time-limit", "10"), new("rate", "0"), new("concurrency", "12"), new("nemesis.faults", ""),
            new("recovery.final-reads", "0"), new("name", "bench-runner"),
        ]);
        var results = Directory.CreateTempSubdirectory("checker-bench-").FullName;
        try
        {
            var outcome = TestRunner.RunAsync(spec, new RunOptions(results, 1), CancellationToken.None).GetAwaiter().GetResult();
            var json = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(outcome.Folder.Results));
            Console.Out.WriteLine($"local 3-node ZooKeeper, 12 workers, no faults, sync reads: {json["okPerSecond"]} ok ops/s " +
                                  $"(verdict {outcome.Verdict.ToString().ToLowerInvariant()})");
            Console.Out.WriteLine($"start to serving: {json["secondsToServing"]} s");
            return 0;
        }
        catch (EnvironmentException e)
        {
            Console.Error.WriteLine($"runner bench: {e.Message}");
            return 5;
        }
        finally { Directory.Delete(results, recursive: true); }
    }
}
