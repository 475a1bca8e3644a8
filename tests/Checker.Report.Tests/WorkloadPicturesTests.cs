using System.Collections;
using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Workloads;
using Checker.Report.Data;
using Checker.Report.Plots;
using ScottPlot;

namespace Checker.Report.Tests;

/// <summary>The set, queue, bank and mutex pictures: drawn into a regenerated run page from results.json when a check names an anomaly, and only then.</summary>
public class WorkloadPicturesTests
{
    /// <summary>A timed history written call by call, 10 ms apart, with a partition in the middle.</summary>
    sealed class History
    {
        public List<Op> Ops { get; } = [];
        void Add(int p, OpType t, string f, object? v, string? error = null) => Ops.Add(new Op(Ops.Count, Ops.Count * 10_000_000L, p, t, f, v, null, error));
        public History Call(int p, string f, object? input, OpType outcome, object? output = null, string? error = null)
        {
            Add(p, OpType.Invoke, f, input);
            Add(p, outcome, f, outcome == OpType.Ok ? output ?? input : input, error);
            return this;
        }
        public History Invoke(int p, string f) { Add(p, OpType.Invoke, f, null); return this; }
        public History Complete(int p, OpType t, string f) { Add(p, t, f, null); return this; }
        public History Nemesis(string f) { Add(Op.NemesisProcess, OpType.Info, f, null); return this; }
    }

    /// <param name="planted">A picture left in the folder by an earlier report of the run, as a regenerated report finds it.</param>
    static List<CheckResult> Regenerate(string name, List<Op> history, CheckResult check, string? planted = null)
    {
        var dir = RunReportTests.MakeRunFolder(name, history, [check, new StatsChecker().Check(history)]);
        if (planted is not null) File.Copy(planted, Path.Combine(dir, Path.GetFileName(planted)));
        RunReport.Regenerate(dir);
        Folder = dir;
        return ResultsFile.Read(Path.Combine(dir, "results.json")).Checks.ToList();
    }

    static string Folder = "";

    static void AssertDrawn(string file, string title)
    {
        var path = Path.Combine(Folder, file);
        Assert.True(File.Exists(path), $"{file} missing");
        using var png = new Png(path);
        Assert.True(png.InkFraction() > 0.02, $"{file} is nearly blank");
        var index = File.ReadAllText(Path.Combine(Folder, "index.html"));
        Assert.Contains($"src=\"{file}\"", index);
        Assert.Contains(title, index);
    }

    static List<object?> List(IEnumerable<long> xs) => xs.Select(x => (object?)x).ToList();

    static History SetRun(long lose)
    {
        var h = new History();
        for (long x = 0; x < 60; x++)
        {
            if (x == 20) h.Nemesis("start-partition");
            if (x == 40) h.Nemesis("stop-partition");
            h.Call((int)(x % 3), "add", x, x % 10 == 9 ? OpType.Info : OpType.Ok);
        }
        return h.Call(5, "read", null, OpType.Ok, List(Enumerable.Range(0, 60).Select(i => (long)i).Where(i => i % 10 != 9 && i % 17 != lose)));
    }

    [Fact]
    public void Lost_set_elements_are_drawn_from_results_json_and_a_later_valid_report_drops_the_picture()
    {
        var h = SetRun(lose: 3); // loses 3, 20, 37 and 54 (the info adds are fine either way)
        var checks = Regenerate("set-lost", h.Ops, new SetChecker().Check(h.Ops));
        var set = Assert.IsType<SetReport>(checks.Single(c => c.Checker == "set").Details);
        Assert.Equal([3L, 20L, 37L, 54L], set.Lost.First.Select(e => e.Element));
        AssertDrawn(ElementsPlot.SetFile, "Set elements over time");
        using var plot = ElementsPlot.Build(new HistoryDigest(h.Ops), set, new ReportOptions());
        var lost = plot.GetPlottables<ScottPlot.Plottables.Markers>().Single(m => m.LegendText.StartsWith("lost: 4"));
        Assert.Equal(4, lost.Data.GetScatterPoints().Count);

        var valid = SetRun(lose: -1);
        var earlier = Path.Combine(TestData.TempDir("set-earlier"), ElementsPlot.SetFile);
        File.Copy(Path.Combine(Folder, ElementsPlot.SetFile), earlier);
        Regenerate("set-valid", valid.Ops, new SetChecker().Check(valid.Ops), planted: earlier);
        Assert.False(File.Exists(Path.Combine(Folder, ElementsPlot.SetFile)), "a valid set has nothing to draw");
        Assert.DoesNotContain("Set elements over time", File.ReadAllText(Path.Combine(Folder, "index.html")));
    }

    [Fact]
    public void Duplicated_queue_elements_are_drawn()
    {
        var h = new History();
        for (long x = 0; x < 30; x++) h.Call(0, "enqueue", x, OpType.Ok);
        for (long x = 0; x < 30; x++) h.Call(1, "dequeue", null, OpType.Ok, x);
        h.Call(2, "dequeue", null, OpType.Ok, 7L).Call(1, "dequeue", null, OpType.Fail, error: "empty");
        var checks = Regenerate("queue-dup", h.Ops, new QueueChecker().Check(h.Ops));
        Assert.Equal(7L, Assert.IsType<QueueReport>(checks.Single(c => c.Checker == "queue").Details).Duplicated.First.Single().Element);
        AssertDrawn(ElementsPlot.QueueFile, "Queue elements over time");
    }

    static Dictionary<object, object?> Balances(params long[] b) => b.Select((v, i) => (K: (object)i.ToString(), V: (object?)v)).ToDictionary(x => x.K, x => x.V);

    [Fact]
    public void Bad_bank_totals_are_drawn_off_the_expected_line()
    {
        var h = new History();
        for (var i = 0; i < 40; i++)
        {
            if (i == 10) h.Nemesis("start-partition");
            if (i == 30) h.Nemesis("stop-partition");
            h.Call(0, "transfer", new Dictionary<object, object?> { ["from"] = 0L, ["to"] = 1L, ["amount"] = 1L }, OpType.Ok);
            h.Call(1, "read", null, OpType.Ok, i is 15 or 25 ? Balances(50, 40) : Balances(50, 50));
        }
        var checks = Regenerate("bank-bad", h.Ops, new BankChecker(new BankOptions(100)).Check(h.Ops));
        var bank = Assert.IsType<BankReport>(checks.Single(c => c.Checker == "bank").Details);
        Assert.Equal(2, bank.BadReads);
        AssertDrawn(BankPlot.FileName, "Bank totals over time");
        using var plot = BankPlot.Build(new HistoryDigest(h.Ops), bank, new ReportOptions());
        Assert.Equal(100, plot.GetPlottables<ScottPlot.Plottables.HorizontalLine>().Single().Y);
        var bad = plot.GetPlottables<ScottPlot.Plottables.Markers>().Single(m => m.LegendText.StartsWith("bad read"));
        Assert.All(bad.Data.GetScatterPoints(), p => Assert.Equal(90, p.Y));
        using var png = new Png(Path.Combine(Folder, BankPlot.FileName));
        Assert.True(png.DistinctColours() > 5);
    }

    [Fact]
    public void Overlapping_lock_holders_are_drawn_in_red()
    {
        var h = new History();
        for (var i = 0; i < 5; i++) h.Call(i % 2, "acquire", null, OpType.Ok).Call(i % 2, "release", null, OpType.Ok);
        h.Call(0, "acquire", null, OpType.Ok).Call(1, "acquire", null, OpType.Ok).Call(0, "release", null, OpType.Ok).Call(1, "release", null, OpType.Ok);
        var checks = Regenerate("mutex-twice", h.Ops, new MutexChecker().Check(h.Ops));
        var mutex = Assert.IsType<MutexReport>(checks.Single(c => c.Checker == "mutex").Details);
        Assert.Equal(1L, mutex.Overlaps);
        AssertDrawn(MutexPlot.FileName, "Lock holders over time");
        Assert.True(File.Exists(Path.Combine(Folder, "counterexample.html")), "the mutex search's counterexample has its page");
        using var plot = MutexPlot.Build(new HistoryDigest(h.Ops), mutex, new ReportOptions())!;
        var bars = plot.GetPlottables<ScottPlot.Plottables.Rectangle>().ToList();
        Assert.Equal(7, bars.Count);
        Assert.Equal(2, bars.Count(b => b.FillColor.ToHex().StartsWith(ReportColors.Fail, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Valid_workload_checks_draw_nothing()
    {
        var h = new History().Call(0, "acquire", null, OpType.Ok).Call(0, "release", null, OpType.Ok)
            .Call(1, "read", null, OpType.Ok, Balances(5, 5));
        var results = new[]
        {
            new MutexChecker().Check(h.Ops.Take(4).ToList()),
            new BankChecker(new BankOptions(10)).Check(h.Ops.Skip(4).ToList()),
        };
        Assert.All(results, r => Assert.Equal(Verdict.Valid, r.Verdict));
        Assert.Empty(WorkloadPictures.For(results));
    }
}
