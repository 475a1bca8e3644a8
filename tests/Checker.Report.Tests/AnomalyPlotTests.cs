using Checker.Core.Linearizability;
using Checker.Core.Checks;
using Checker.Report.Data;
using Checker.Report.Plots;
using ScottPlot;

namespace Checker.Report.Tests;

public class AnomalyPlotTests
{
    [Fact]
    public void Draws_the_etcd_counterexample_as_lanes_with_register_values()
    {
        var history = TestData.Etcd000();
        var result = TestData.CheckRegister(history);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        var failure = (result.Details as LinearizabilityReport)?.Failure!;
        var d = new HistoryDigest(history);
        var path = Path.Combine(TestData.TempDir("anomaly-etcd"), AnomalyPlot.FileName);
        AnomalyPlot.Write(path, d, failure, new ReportOptions());

        using var png = new Png(path);
        Assert.Equal(1200, png.Width);
        Assert.True(png.Height > 600, "expected the lanes and the register values below them");
        Assert.True(png.InkFraction() > 0.03);
        var lanes = AnomalyPlot.BuildLanes(d, failure);
        Assert.Contains(lanes.GetPlottables<ScottPlot.Plottables.Text>(), t => t.LabelText.Contains("cannot be linearized"));
        Assert.NotNull(AnomalyPlot.BuildValues(d, failure));
    }

    [Fact]
    public void Shades_the_fault_active_during_a_stale_read()
    {
        var history = TestData.Made(300, staleReadAt: 0.4); // inside the partition (30–50 %)
        var result = TestData.CheckRegister(history);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        var failure = (result.Details as LinearizabilityReport)?.Failure!;
        Assert.Equal(99L, failure.Failed.Output);
        var d = new HistoryDigest(history);
        var lanes = AnomalyPlot.BuildLanes(d, failure);
        var path = Path.Combine(TestData.TempDir("anomaly-made"), "lanes.png");
        lanes.SavePng(path, 1200, 400);
        using var png = new Png(path);
        var data = lanes.LastRender.DataRect;
        var x = (int)lanes.GetPixel(new Coordinates(d.Axis(failure.Failed.Call), 0)).X;
        // Between the lanes, where no op box is drawn, the band shows.
        Assert.True(png.CountInColumn(x, (int)data.Top, (int)data.Bottom, ReportColors.FaultOnWhite("partition")) > 10);
    }

    [Fact]
    public void A_stale_read_is_drawn_with_the_write_it_saw_and_the_write_it_contradicts_on_an_axis_that_covers_them()
    {
        const long S = 1_000_000_000;
        var history = new List<Core.History.Op>();
        void Op(int p, Core.History.OpType t, string f, object? v, double at) => history.Add(new Core.History.Op(history.Count, (long)(at * S), p, t, f, v));
        Op(0, Core.History.OpType.Invoke, "write", 1L, 0.000); Op(0, Core.History.OpType.Ok, "write", 1L, 0.001);
        Op(1, Core.History.OpType.Invoke, "write", 2L, 10.0); Op(1, Core.History.OpType.Ok, "write", 2L, 10.001);
        Op(2, Core.History.OpType.Invoke, "read", null, 20.0); Op(2, Core.History.OpType.Ok, "read", 1L, 20.003);
        var result = TestData.CheckRegister(history);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        var failure = (result.Details as LinearizabilityReport)?.Failure!;
        var d = new HistoryDigest(history);

        var context = AnomalyContext.Of(d, failure);
        Assert.NotEmpty(context); // ops the minimal set alone leaves out
        var shown = failure.Minimal.Select(o => o.InvokeIndex).Concat(context.Select(c => c.Op.InvokeIndex)).ToHashSet();
        Assert.Contains(0L, shown); // write 1: the value read
        Assert.Contains(2L, shown); // write 2: the state the read contradicts
        var (from, to) = AnomalyPlot.Range(d, failure);
        Assert.True(from <= d.Axis(0) && to >= d.Axis((long)(20.003 * S)), $"axis {from}..{to} must cover both writes and the read");
        var labels = AnomalyPlot.BuildLanes(d, failure).GetPlottables<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToList();
        Assert.Contains(labels, l => l.StartsWith("write 1 -> 1"));
        Assert.Contains(labels, l => l.StartsWith("write 2 -> 2"));
        Assert.Contains(labels, l => l.StartsWith("read -> 1") && l.Contains("cannot be linearized"));
    }
}
