using System.Diagnostics;
using Checker.Runner.Databases.Etcd;
using Checker.Runner.Db;
using Checker.Runner.Generation;
using Checker.Runner.Spec;
using Checker.Runner.Tests.Etcd;

namespace Checker.Benchmarks;

/// <summary>etcd on 3 local members (peers through the proxies, as in a run): start to serving, then unpaced register ops/s.</summary>
public static class EtcdBench
{
    public static int Run()
    {
        try
        {
            var cluster = LocalEtcdCluster.StartAsync().GetAwaiter().GetResult();
            try
            {
                Console.Out.WriteLine($"local 3-member etcd: start to serving (a linearizable read on every member) {cluster.StartToServing.TotalSeconds:0.00} s");
                foreach (var serializable in new[] { false, true })
                {
                    var (ok, seconds) = Throughput(cluster, serializable, TimeSpan.FromSeconds(10));
                    Console.Out.WriteLine($"local 3-member etcd, 12 workers, no faults, {(serializable ? "serializable" : "linearizable")} reads: " +
                                          $"{ok / seconds:N0} ok ops/s ({ok:N0} ok in {seconds:0.0} s)");
                }
            }
            finally { cluster.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            return 0;
        }
        catch (EnvironmentException e)
        {
            Console.Error.WriteLine($"etcd bench: {e.Message}");
            return 5;
        }
    }

    static (long Ok, double Seconds) Throughput(LocalEtcdCluster cluster, bool serializable, TimeSpan duration)
    {
        var registers = new EtcdRegisters(cluster.Nodes.Select(cluster.Endpoint).ToList(), $"bench-{Guid.NewGuid():N}",
            serializable, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
        var file = Path.GetTempFileName();
        try
        {
            // Written to a file line by line, as a run's history is.
            using var history = HistoryRecorder.ToFile(file);
            var generator = new Generator(new GeneratorOptions(12, cluster.Nodes.Count, 0, TimeSpan.FromSeconds(3), Seed: 1),
                registers, new RegisterWorkload(new WorkloadSpec()), history);
            var clock = Stopwatch.StartNew();
            generator.Start(CancellationToken.None);
            Thread.Sleep(duration);
            generator.StopAsync().GetAwaiter().GetResult();
            return (history.Counts.Ok, clock.Elapsed.TotalSeconds);
        }
        finally { File.Delete(file); }
    }
}
