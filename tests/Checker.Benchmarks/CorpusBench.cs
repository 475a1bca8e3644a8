using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests;

namespace Checker.Benchmarks;

/// <summary>
/// Checks the Porcupine corpus group by group, each group in its own process so its peak memory is its own.
/// Time counts the search only (histories are read and paired beforehand); shrinking is timed apart.
/// </summary>
public static class CorpusBench
{
    static readonly string[] Groups = ["etcd", "kv-split", "kv-whole"];

    public static void RunAll()
    {
        Console.WriteLine($"corpus: {Corpus.Root}");
        foreach (var g in Groups)
        {
            var self = Environment.ProcessPath!;
            var dll = typeof(CorpusBench).Assembly.Location;
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(dll);
            foreach (var a in new[] { "corpus", "--group", g }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            Console.Write(p.StandardOutput.ReadToEnd());
            p.WaitForExit();
        }
    }

    public static void RunGroup(string group)
    {
        var rows = Corpus.Rows.Where(r => group switch
        {
            "etcd" => r.Model == "etcd-register",
            "kv-split" => r.Model == "kv-partitioned",
            "kv-whole" => r.Model == "kv-nopartition",
            _ => throw new ArgumentException($"unknown group {group}"),
        }).ToList();
        var model = ModelCatalog.Create(group == "etcd" ? "cas-register" : "kv");
        var options = new LinearizabilityOptions { SplitByKey = group != "kv-whole", ShrinkTime = TimeSpan.Zero };
        var inputs = rows.Select(r => (Row: r, Ops: Pairing.Pair(HistoryFile.Load(r.Path), r.File))).ToList();

        // One warm-up pass so the figures measure the search, not the JIT.
        foreach (var (_, ops) in inputs) new LinearizabilityChecker(model, options).Check(ops);
        GC.Collect();

        var lines = new List<string>();
        var total = Stopwatch.StartNew();
        var wrong = 0;
        foreach (var (row, ops) in inputs)
        {
            var sw = Stopwatch.StartNew();
            var result = new LinearizabilityChecker(model, options).Check(ops);
            sw.Stop();
            if ((result.Verdict == Verdict.Valid) != row.ExpectedOk) wrong++;
            if (Environment.GetEnvironmentVariable("BENCH_VERBOSE") == "1") Console.WriteLine($"      heap after {row.File}: {GC.GetGCMemoryInfo().HeapSizeBytes >> 20} MB, peak ws {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
            lines.Add($"    {row.File,-22} {result.Verdict,-8} {sw.Elapsed.TotalMilliseconds,9:F1} ms  {((LinearizabilityReport)result.Details!).Configurations,9} configurations");
        }
        total.Stop();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
        Console.WriteLine($"{group}: {rows.Count} histories checked in {total.Elapsed.TotalMilliseconds:F1} ms, peak working set {peak} MB, {wrong} wrong verdicts");
        if (group != "etcd" || Environment.GetEnvironmentVariable("BENCH_VERBOSE") == "1")
            foreach (var l in lines) Console.WriteLine(l);
        else
            foreach (var l in lines.OrderByDescending(l => double.Parse(l.Split("ms")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])).Take(5)) Console.WriteLine(l);

        var shrink = Stopwatch.StartNew();
        var shrinkOptions = options with { ShrinkTime = TimeSpan.FromSeconds(10) };
        var sizes = new List<int>();
        var slowest = new List<(double Ms, string File, int Size, bool Done)>();
        foreach (var (row, ops) in inputs.Where(i => !i.Row.ExpectedOk))
        {
            var one = Stopwatch.StartNew();
            var r = (LinearizabilityReport)new LinearizabilityChecker(model, shrinkOptions).Check(ops).Details!;
            sizes.Add(r.Failure?.Minimal.Count ?? -1);
            slowest.Add((one.Elapsed.TotalMilliseconds, row.File, r.Failure?.Minimal.Count ?? -1, r.Failure?.MinimalIsMinimal ?? false));
        }
        foreach (var s in slowest.OrderByDescending(s => s.Ms).Take(3))
            Console.WriteLine($"    shrink {s.File,-22} {s.Ms,8:F0} ms -> {s.Size} ops{(s.Done ? "" : " (stopped early)")}");
        if (sizes.Count > 0)
            Console.WriteLine($"  shrinking {sizes.Count} invalid histories: {shrink.Elapsed.TotalMilliseconds:F0} ms in all, minimal sizes {string.Join(" ", sizes)}");
    }
}
