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
        var failure = DetailsViews.Failure(result)!;
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
        var failure = DetailsViews.Failure(result)!;
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
}
