using System.Diagnostics;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Benchmarks;

/// <summary>A million operations over a thousand keys, checked whole: valid as generated, then with one stale read.</summary>
public static class BigHistoryBench
{
    public static void Run()
    {
        var model = ModelCatalog.Create("cas-register");
        foreach (var stale in new[] { false, true })
        {
            var generated = BigHistory.Generate(1_000_000, 1_000, 50, seed: 7, injectStaleRead: stale);
            GC.Collect();
            var clock = Stopwatch.StartNew();
            var ops = Pairing.Pair(generated.History);
            var paired = clock.Elapsed;
            var result = new LinearizabilityChecker(model, new LinearizabilityOptions()).Check(ops);
            clock.Stop();
            var report = (LinearizabilityReport)result.Details!;
            Console.WriteLine($"big{(stale ? " + stale read" : "")}: {generated.History.Count:N0} records, {ops.Count:N0} ops, {report.Keys} keys -> {result.Verdict} " +
                              $"in {clock.Elapsed.TotalSeconds:F2} s (pairing {paired.TotalSeconds:F2} s, search and explanation {report.Seconds:F2} s), " +
                              $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
            if (report.Failure is { } f)
                Console.WriteLine($"  key {Values.Format(f.Key)}: {f.Failed}; minimal counterexample {f.Minimal.Count} ops; injected: op {generated.StaleRead!.Index}");
            if (!stale) FromFile(generated.History, model);
        }
    }

    /// <summary>One long single-key history: no key to split by, so the search itself must scale.</summary>
    public static void RunSingleKey(int operations)
    {
        var model = ModelCatalog.Create("cas-register");
        var generated = BigHistory.Generate(operations, 1, 5, seed: 11, injectStaleRead: false);
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var result = new LinearizabilityChecker(model, new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60) }).Check(generated.History);
        var report = (LinearizabilityReport)result.Details!;
        Console.WriteLine($"one key: {report.Operations:N0} ops ({report.Crashed} indeterminate), 5 processes -> {result.Verdict}{(report.Cause is { } c ? $" ({c})" : "")} " +
                          $"in {clock.Elapsed.TotalSeconds:F2} s, {report.Configurations:N0} configurations, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
    }

    /// <summary>Writes the one-key history to a file, to measure `checker check FILE --memory MB` as a process (peak RSS against the budget).</summary>
    public static void WriteSingleKey(int operations, string path)
    {
        var generated = BigHistory.Generate(operations, 1, 5, seed: 11, injectStaleRead: false);
        using (var w = new StreamWriter(path)) JsonLinesHistory.WriteAll(w, generated.History);
        Console.WriteLine($"{path}: {generated.History.Count:N0} records on one key, {new FileInfo(path).Length >> 20} MB");
    }

    /// <summary>As users meet it: a JSON Lines file on disk, read and checked.</summary>
    static void FromFile(List<Op> history, Model model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-big-{Environment.ProcessId}.jsonl");
        try
        {
            using (var w = new StreamWriter(path)) JsonLinesHistory.WriteAll(w, history);
            var size = new FileInfo(path).Length >> 20;
            var clock = Stopwatch.StartNew();
            var loaded = HistoryFile.Load(path);
            var read = clock.Elapsed;
            var result = new LinearizabilityChecker(model, new LinearizabilityOptions()).Check(loaded);
            Console.WriteLine($"  from a {size} MB JSON Lines file: read in {read.TotalSeconds:F2} s, read and checked in {clock.Elapsed.TotalSeconds:F2} s -> {result.Verdict}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
