using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.Linearizability;
using Checker.Core.Workloads;

namespace Checker.Benchmarks;

/// <summary>
/// Each workload checker on a 1,000,000-operation history it reads from a JSON Lines file (written first,
/// see <see cref="WorkloadHistories"/>): the time to read and check it, and the process's peak working set,
/// against the targets (set and queue under 5 s, bank under 10 s, all under 1 GB). Each checker runs in a
/// process of its own so that one's memory does not count against another's.
/// </summary>
public static class WorkloadBench
{
    public const long Operations = 1_000_000;

    static readonly Dictionary<string, (Func<string, long, long> Write, double? TargetSeconds)> Workloads = new()
    {
        ["set"] = (WorkloadHistories.Set, 5),
        ["queue"] = (WorkloadHistories.Queue, 5),
        ["mutex"] = (WorkloadHistories.Mutex, null),
        ["bank"] = ((path, n) => WorkloadHistories.Bank(path, n), 10),
    };

    /// <summary>All four (or those named), each in a child process.</summary>
    public static void RunAll(IReadOnlyList<string> only)
    {
        foreach (var name in Workloads.Keys.Where(n => only.Count == 0 || only.Contains(n)))
        {
            var self = Environment.ProcessPath!;
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(WorkloadBench).Assembly.Location);
            foreach (var a in new[] { "workload", name }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            Console.Write(p.StandardOutput.ReadToEnd());
            p.WaitForExit();
        }
    }

    /// <summary>One workload in this process: write its history, then time reading and checking it.</summary>
    public static void RunOne(string name)
    {
        var (write, target) = Workloads[name];
        var path = Path.Combine(Path.GetTempPath(), $"checker-{name}-{Environment.ProcessId}.jsonl");
        try
        {
            var records = write(path, Operations);
            var megabytes = new FileInfo(path).Length >> 20;
            var checker = WorkloadCatalog.Find(name)!.CreateChecker(
                new(path, new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(120) }, new BankOptions(800)));
            GC.Collect();
            if (Environment.GetEnvironmentVariable("CHECKER_BENCH_DEBUG") == "1")
                Console.WriteLine($"  after writing: peak working set so far {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB, now {Process.GetCurrentProcess().WorkingSet64 >> 20} MB");
            var clock = Stopwatch.StartNew();
            var history = HistoryFile.Load(path);
            var read = clock.Elapsed;
            if (Environment.GetEnvironmentVariable("CHECKER_BENCH_DEBUG") == "1")
                Console.WriteLine($"  after reading: heap {GC.GetTotalMemory(false) >> 20} MB (live {GC.GetTotalMemory(true) >> 20} MB), GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s");
            var result = checker.Check(history);
            clock.Stop();
            if (Environment.GetEnvironmentVariable("CHECKER_BENCH_DEBUG") == "1")
                Console.WriteLine($"  after checking: heap {GC.GetTotalMemory(false) >> 20} MB, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s");
            var peak = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
            Console.WriteLine($"{name}: {Operations:N0} ops ({records:N0} records, {megabytes} MB JSON Lines) -> {Verdicts.Word(result.Verdict)}; " +
                              $"read {read.TotalSeconds:F2} s + check {(clock.Elapsed - read).TotalSeconds:F2} s = {clock.Elapsed.TotalSeconds:F2} s" +
                              $"{(target is { } t ? $" (target < {t:0} s)" : " (no target)")}; peak working set {peak} MB (target < 1024 MB)");
            Console.WriteLine($"  {result.Summary.Split('\n')[0]}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
