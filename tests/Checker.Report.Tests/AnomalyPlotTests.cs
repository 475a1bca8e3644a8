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
        var lanes = AnomalyPlot.BuildLanes(d, failure).Plot;
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
        var (lanes, height) = AnomalyPlot.BuildLanes(d, failure);
        var path = Path.Combine(TestData.TempDir("anomaly-made"), "lanes.png");
        lanes.SavePng(path, 1200, height);
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
        var labels = AnomalyPlot.BuildLanes(d, failure).Plot.GetPlottables<ScottPlot.Plottables.Text>()
            .Select(t => t.LabelText).ToList();
        Assert.Contains(labels, l => l.StartsWith("write 1 -> 1"));
        Assert.Contains(labels, l => l.StartsWith("write 2 -> 2"));
        Assert.Contains(labels, l => l.StartsWith("read -> 1") && l.Contains("cannot be linearized"));
    }

    /// <summary>
    /// A crowded stale read: process 0 writes 1 ("wrote the value read") and then 2 ("set the state the read
    /// contradicts") back to back, so their long labels would overlap; the failing read is the last op, at
    /// the plot's right edge, where its label would run off.
    /// </summary>
    static (HistoryDigest D, KeyFailure Failure) Crowded()
    {
        const long S = 1_000_000_000;
        var history = new List<Core.History.Op>();
        void Op(int p, Core.History.OpType t, string f, object? v, double at) =>
            history.Add(new Core.History.Op(history.Count, (long)(at * S), p, t, f, v));
        Op(0, Core.History.OpType.Invoke, "write", 1L, 0.0); Op(0, Core.History.OpType.Ok, "write", 1L, 0.5);
        Op(0, Core.History.OpType.Invoke, "write", 2L, 0.6); Op(0, Core.History.OpType.Ok, "write", 2L, 1.1);
        Op(2, Core.History.OpType.Invoke, "write", 3L, 0.7); Op(2, Core.History.OpType.Info, "write", 3L, 0.9);
        Op(3, Core.History.OpType.Invoke, "read", null, 0.65); Op(3, Core.History.OpType.Ok, "read", 1L, 0.8);
        Op(1, Core.History.OpType.Invoke, "read", null, 5.0); Op(1, Core.History.OpType.Ok, "read", 1L, 5.01);
        var result = TestData.CheckRegister(history);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        return (new HistoryDigest(history), (result.Details as LinearizabilityReport)!.Failure!);
    }

    public static TheoryData<string> Counterexamples => ["crowded", "etcd_000", "made"];

    static (HistoryDigest D, KeyFailure Failure) Counterexample(string name)
    {
        if (name == "crowded") return Crowded();
        var history = name == "etcd_000" ? TestData.Etcd000() : TestData.Made(300, staleReadAt: 0.97);
        var result = TestData.CheckRegister(history);
        return (new HistoryDigest(history), (result.Details as LinearizabilityReport)!.Failure!);
    }

    static bool Intersect(PixelRect a, PixelRect b) =>
        a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;

    static bool Inside(PixelRect inner, PixelRect outer) =>
        inner.Left >= outer.Left && inner.Right <= outer.Right
        && inner.Top >= outer.Top && inner.Bottom <= outer.Bottom;

    /// <summary>
    /// The geometry as drawn: each label's rectangle (as ScottPlot rendered it) lies inside the data area and
    /// touches no other label and no op's box; each legend fits in the space right of the data; the title fits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Counterexamples))]
    public void Every_label_is_inside_the_plot_apart_from_the_others_and_the_legends_are_not_cut_off(string name)
    {
        var (d, failure) = Counterexample(name);
        const int width = 1200;
        var (lanes, values) = AnomalyPlot.Build(d, failure, width);
        using var plot = lanes.Plot;
        plot.GetImageBytes(width, lanes.Height, ImageFormat.Png); // renders: the rectangles below are the drawn ones
        var data = plot.LastRender.DataRect;
        var texts = plot.GetPlottables<ScottPlot.Plottables.Text>().ToList();
        Assert.NotEmpty(texts);
        var rects = texts.Select(t => (t.LabelText, Rect: t.LabelLastRenderPixelRect)).ToList();
        foreach (var (text, rect) in rects)
        {
            Assert.True(Inside(rect, data), $"'{text}' at {rect} is not inside the data area {data}");
            Assert.True(rect.Height >= 10 && rect.Width >= 20, $"'{text}' is drawn too small: {rect}");
        }
        for (var i = 0; i < rects.Count; i++)
            for (var j = i + 1; j < rects.Count; j++)
                Assert.False(Intersect(rects[i].Rect, rects[j].Rect),
                    $"'{rects[i].LabelText}' {rects[i].Rect} overlaps '{rects[j].LabelText}' {rects[j].Rect}");
        foreach (var box in plot.GetPlottables<ScottPlot.Plottables.Rectangle>())
        {
            var a = plot.GetPixel(new Coordinates(box.X1, box.Y1));
            var b = plot.GetPixel(new Coordinates(box.X2, box.Y2));
            var boxRect = new PixelRect(Math.Min(a.X, b.X), Math.Max(a.X, b.X), Math.Max(a.Y, b.Y), Math.Min(a.Y, b.Y));
            Assert.All(rects, r => Assert.False(Intersect(r.Rect, boxRect), $"'{r.LabelText}' {r.Rect} covers {boxRect}"));
        }
        var figure = new PixelRect(0, width, lanes.Height, 0);
        Assert.True(Inside(plot.Axes.Title.Label.LastRenderPixelRect, figure), "the title runs off the figure");
        Assert.Contains(texts, t => t.LabelText.Contains("cannot be linearized"));

        using var paint = Paint.NewDisposablePaint();
        foreach (var (panel, height) in new[] { (plot, lanes.Height), (values, AnomalyPlot.ValuesHeight) })
        {
            if (panel is null) continue;
            panel.GetImageBytes(width, height, ImageFormat.Png);
            var legend = panel.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().Single();
            var room = width - panel.LastRender.DataRect.Right;
            Assert.True(legend.Measure(paint) <= room, $"the legend needs {legend.Measure(paint)} px, there is {room}");
        }
        values?.Dispose();
    }

    [Fact]
    public void The_crowded_counterexample_is_drawn_with_its_labels_stacked_in_rows()
    {
        var (d, failure) = Crowded();
        var dir = TestData.TempDir("anomaly-crowded");
        AnomalyPlot.Write(Path.Combine(dir, AnomalyPlot.FileName), d, failure, new ReportOptions());
        using var png = new Png(Path.Combine(dir, AnomalyPlot.FileName));
        var (lanes, values) = AnomalyPlot.Build(d, failure, 1200);
        values?.Dispose();
        using var plot = lanes.Plot;
        Assert.Equal(lanes.Height + AnomalyPlot.ValuesHeight, png.Height);
        plot.GetImageBytes(1200, lanes.Height, ImageFormat.Png);
        var labels = plot.GetPlottables<ScottPlot.Plottables.Text>()
            .ToDictionary(t => t.LabelText, t => t.LabelLastRenderPixelRect);
        var wrote = labels.Single(l => l.Key.Contains("(wrote the value read)")).Value;
        var set = labels.Single(l => l.Key.Contains("(set the state the read contradicts)")).Value;
        Assert.True(set.Bottom <= wrote.Top || wrote.Bottom <= set.Top, $"labels share a row and overlap: {set} {wrote}");
    }
}
