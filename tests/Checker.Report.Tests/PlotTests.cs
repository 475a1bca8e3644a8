using Checker.Core.History;
using Checker.Report.Data;
using Checker.Report.Plots;
using ScottPlot;

namespace Checker.Report.Tests;

public class PlotTests
{
    static readonly ReportOptions Options = new();

    delegate Plot Builder(HistoryDigest d, ReportOptions o);

    static readonly Dictionary<string, Builder> Builders = new()
    {
        [LatencyRawPlot.FileName] = LatencyRawPlot.Build,
        [LatencyQuantilesPlot.FileName] = LatencyQuantilesPlot.Build,
        [RatePlot.FileName] = RatePlot.Build,
    };

    public static TheoryData<string> PlotFiles => new(Builders.Keys);

    static (Plot Plot, string Path) Render(string file, IReadOnlyList<Op> history, string dirName, ReportOptions? options = null)
    {
        var dir = TestData.TempDir(dirName);
        var plot = Builders[file](new HistoryDigest(history), options ?? Options);
        var path = Path.Combine(dir, file);
        PlotKit.Save(plot, path, options ?? Options);
        return (plot, path);
    }

    static void AssertDrawn(string path)
    {
        using var png = new Png(path);
        Assert.Equal((Options.PlotWidth, Options.PlotHeight), (png.Width, png.Height));
        Assert.True(png.InkFraction() > 0.02, $"{path} is nearly blank ({png.InkFraction():P1} ink)");
        Assert.True(png.DistinctColours() > 20, $"{path} has only {png.DistinctColours()} colours");
    }

    [Theory, MemberData(nameof(PlotFiles))]
    public void Draws_a_jepsen_etcd_history_without_times(string file)
    {
        var (plot, path) = Render(file, TestData.Etcd000(), "etcd-" + file);
        AssertDrawn(path);
        Assert.Contains("history position", plot.Axes.Bottom.Label.Text);
    }

    [Theory, MemberData(nameof(PlotFiles))]
    public void Draws_a_porcupine_kv_history(string file) => AssertDrawn(Render(file, TestData.KvBad(), "kv-" + file).Path);

    [Theory, MemberData(nameof(PlotFiles))]
    public void Shades_each_fault_in_its_colour_only_where_it_was_active(string file)
    {
        var history = TestData.Made(3000);
        var d = new HistoryDigest(history);
        var (plot, path) = Render(file, history, "made-" + file);
        AssertDrawn(path);
        using var png = new Png(path);
        var data = plot.LastRender.DataRect;
        int Column(double fraction) => (int)plot.GetPixel(new Coordinates(d.AxisEnd * fraction, 0)).X;
        int Count(double fraction, string kind) => png.CountInColumn(Column(fraction), (int)data.Top, (int)data.Bottom, ReportColors.FaultOnWhite(kind));

        Assert.True(Count(0.40, "partition") > data.Height / 3, $"partition band missing: {Count(0.40, "partition")} of {data.Height} px");
        Assert.True(Count(0.75, "kill") > data.Height / 3, $"kill band missing: {Count(0.75, "kill")} of {data.Height} px");
        Assert.Equal(0, Count(0.10, "partition"));
        Assert.Equal(0, Count(0.60, "kill"));
        Assert.Contains(plot.Legend.GetItems(), i => i.LabelText == "nemesis: partition");
        Assert.Contains(plot.Legend.GetItems(), i => i.LabelText == "nemesis: kill");
    }

    [Fact]
    public void Raw_latency_samples_big_histories_and_says_so_on_the_plot()
    {
        var options = new ReportOptions { MaxRawPoints = 1000 };
        var (plot, path) = Render(LatencyRawPlot.FileName, TestData.Made(6000), "sampled", options);
        AssertDrawn(path);
        Assert.Contains("of 6,000 ops drawn: every", plot.Axes.Title.Label.Text);
        var drawn = plot.GetPlottables<ScottPlot.Plottables.Markers>().Sum(m => m.Data.GetScatterPoints().Count);
        Assert.InRange(drawn, 1000, 6000 / 2);
    }

    [Fact]
    public void Small_histories_draw_every_op()
    {
        var (plot, _) = Render(LatencyRawPlot.FileName, TestData.Made(100), "small");
        Assert.Contains("all 100 ops", plot.Axes.Title.Label.Text);
        Assert.Equal(100, plot.GetPlottables<ScottPlot.Plottables.Markers>().Sum(m => m.Data.GetScatterPoints().Count));
    }
}
