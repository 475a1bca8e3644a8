using System.Diagnostics;
using Checker.Runner.Workloads;
using Checker.Runner.Generation;
using Checker.Runner.Spec;

namespace Checker.Benchmarks;

/// <summary>
/// The generator and recorder alone, against in-memory registers with no rate limit, writing a real
/// flushed history file: how many ops per second Checker itself can drive (it must never be the bottleneck).
/// </summary>
public static class GeneratorBenchmark
{
    /// <summary>Completed ops per second, and how many completed.</summary>
    public static async Task<(double OpsPerSecond, long Ops)> RunAsync(int concurrency, TimeSpan duration)
    {
        var file = Path.Combine(Path.GetTempPath(), $"checker-bench-{Guid.NewGuid():N}.jsonl");
        try
        {
            using var history = HistoryRecorder.ToFile(file);
            var generator = new Generator(new GeneratorOptions(concurrency, 3, 0, TimeSpan.FromSeconds(5), 1),
                new InMemoryRegisters(), new RegisterWorkload(new RegisterSettings()), history);
            var clock = Stopwatch.StartNew();
            generator.Start(CancellationToken.None);
            await Task.Delay(duration);
            await generator.StopAsync();
            var (ok, fail, info) = history.Counts;
            return ((ok + fail + info) / clock.Elapsed.TotalSeconds, ok + fail + info);
        }
        finally { File.Delete(file); }
    }
}
