using Checker.Runner.Databases;
using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Benchmarks;

/// <summary>
/// etcd on 3 local members through the runner, measured as RunnerBench measures ZooKeeper (10 s,
/// 12 unpaced workers, no faults): start to serving, then ok ops/s with linearizable and with serializable reads.
/// </summary>
public static class EtcdBench
{
    public static int Run()
    {
        foreach (var serializable in new[] { false, true })
        {
            var spec = SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-register.json"),
            [
                new("time-limit", "10"), new("rate", "0"), new("concurrency", "12"), new("nemesis.faults", ""),
                new("recovery.final-reads", "0"), new("name", "bench-etcd"), new("workload.serializable-reads", serializable ? "true" : "false"),
            ]);
            var results = Directory.CreateTempSubdirectory("checker-bench-").FullName;
            try
            {
                var outcome = TestRunner.RunAsync(spec, new RunOptions(results, 1), CancellationToken.None).GetAwaiter().GetResult();
                var json = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(outcome.Folder.Results));
                Console.Out.WriteLine($"local 3-member etcd, 12 workers, no faults, {(serializable ? "serializable" : "linearizable")} reads: " +
                                      $"{json["okPerSecond"]} ok ops/s (verdict {outcome.Verdict.ToString().ToLowerInvariant()}); " +
                                      $"start to serving {json["secondsToServing"]} s");
            }
            catch (EnvironmentException e)
            {
                Console.Error.WriteLine($"etcd bench: {e.Message}");
                return 5;
            }
            finally { Directory.Delete(results, recursive: true); }
        }
        return 0;
    }
}
