using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Report;
using Checker.Tests;

namespace Checker.Benchmarks;

/// <summary>
/// Times a whole report of a 1,000,000-operation history (2,000,000 records) with nemesis windows and a
/// planted stale read, and prints each artifact's time and size. It prints figures; it judges nothing.
/// </summary>
public static class ReportBench
{
    public const int Operations = 1_000_000;

    /// <param name="keepIn">Write the report there and keep it, to look at; by default a temp folder, deleted.</param>
    public static void Run(TextWriter output, string? keepIn = null)
    {
        var clock = Stopwatch.StartNew();
        var history = SyntheticHistory.Generate(Operations, processes: 10, seed: 7, staleReadAt: 0.4);
        output.WriteLine($"report bench: {Operations:N0} operations, {history.Count:N0} records, generated in {clock.Elapsed.TotalSeconds:0.00} s");

        clock.Restart();
        var stats = new StatsChecker().Check(history);
        output.WriteLine($"  stats check (not part of the report): {clock.Elapsed.TotalSeconds:0.00} s");
        // The linearizability search of a million ops is the checker's benchmark, not this one: the
        // failure is built from the planted read so the counterexample page and picture are drawn too.
        var results = new List<CheckResult> { PlantedFailure(history), stats };

        var dir = keepIn is null ? Directory.CreateTempSubdirectory("checker-report-bench-") : Directory.CreateDirectory(keepIn);
        try
        {
            clock.Restart();
            var written = RunReport.Write(dir.FullName, history, results);
            var total = clock.Elapsed;
            foreach (var a in written)
                output.WriteLine($"  {a.File,-28} {a.Took.TotalSeconds,7:0.00} s {(a.Bytes > 0 ? $"{a.Bytes / 1e6,8:0.00} MB" : "")}");
            var pages = written.Where(a => a.File.EndsWith(".html", StringComparison.Ordinal)).ToList();
            output.WriteLine($"  all plots and pages: {total.TotalSeconds:0.00} s (target under 10 s); " +
                             $"largest page {pages.Max(p => p.Bytes) / 1e6:0.00} MB (target under 20 MB)");
        }
        finally
        {
            if (keepIn is null) dir.Delete(true);
        }
    }

    static CheckResult PlantedFailure(IReadOnlyList<Op> history)
    {
        var ops = Pairing.Pair(history);
        var stale = ops.First(o => Values.Same(o.Output, 99L));
        var lastWrite = ops.Last(o => o.F == "write" && !o.Crashed && o.Return < stale.Call);
        var failure = new KeyFailure(null, OpView.Of(stale), OpView.Of(lastWrite), ops.Where(o => o.Return < stale.Call).TakeLast(2000).Select(OpView.Of).ToList(),
            [Values.Format(lastWrite.Input)], [OpView.Of(lastWrite), OpView.Of(stale)], true, ["nil"], null);
        var report = new LinearizabilityReport(Verdict.Invalid, "cas-register", ops.Count, ops.Count(o => o.Crashed), 1, 0, 0, null, [], failure);
        return new CheckResult("linearizable", Verdict.Invalid, "NOT linearizable (planted stale read)", report);
    }
}
