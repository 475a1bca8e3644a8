using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Checker.Runner.Databases;
using Checker.Databases.Etcd.Tests;

namespace Checker.Benchmarks;

/// <summary>
/// How often Checker finds etcd's stale serializable reads: a few bounded runs of the isolated-follower
/// schedule with serializable reads, then the same with linearizable reads, each on a fresh cluster.
/// With a folder, each run's history is kept there for `checker check --report`.
/// </summary>
public static class EtcdStaleBench
{
    public static int Run(int runs, string? keep)
    {
        try
        {
            foreach (var serializable in new[] { true, false })
            {
                var found = 0;
                for (var run = 0; run < runs; run++)
                {
                    var path = keep is null ? null : Path.Combine(Directory.CreateDirectory(keep).FullName,
                        $"etcd-{(serializable ? "serializable" : "linearizable")}-{run + 1}.jsonl");
                    var cluster = LocalEtcdCluster.StartAsync().GetAwaiter().GetResult();
                    try
                    {
                        var outcome = IsolatedFollowerScenario.RunAsync(cluster, serializable, seed: run + 1, TimeSpan.FromSeconds(5), path).GetAwaiter().GetResult();
                        if (outcome.Check.Verdict == Verdict.Invalid) found++;
                        Console.Out.WriteLine($"  run {run + 1}: {outcome.Check.Verdict.ToString().ToLowerInvariant()}, {outcome.History.Count} records" +
                                              (outcome.Check.Details is LinearizabilityReport { Failure: { } f }
                                                  ? $"; process {f.Failed.Process} read {f.Failed.Output} from key {f.Key} while it could only be {string.Join(" or ", f.States)}"
                                                  : ""));
                    }
                    finally { cluster.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
                }
                Console.Out.WriteLine($"etcd, follower isolated 5 s, {(serializable ? "serializable" : "linearizable")} reads: " +
                                      $"{found} of {runs} runs found a violation");
            }
            return 0;
        }
        catch (EnvironmentException e)
        {
            Console.Error.WriteLine($"etcd stale bench: {e.Message}");
            return 5;
        }
    }
}
