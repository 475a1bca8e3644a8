using Checker.Report.Data;
using Checker.Report.Plots;
using ScottPlot;

namespace Checker.Report.Compare;

/// <summary>
/// The two runs overlaid on one time axis (seconds since each run's start): A solid, B dashed.
/// Each run's fault windows are shaded in the fault kind's colour, A's stronger than B's.
/// </summary>
public static class ComparePlots
{
    public const string LatencyFile = "compare-latency.png";
    public const string ThroughputFile = "compare-throughput.png";

    public static void Write(string dir, HistoryDigest a, HistoryDigest b, ReportOptions options)
    {
        var width = Noise.WindowWidth(a, b);
        var latency = PlotKit.New(
            $"p50 and p99 latency of ok operations per {PlotKit.Number(width)} s window",
            "seconds since each run's test began",
            "latency (ms, log scale)"
        );
        Shade(latency, a, b);
        foreach (var (d, run, pattern) in new[] { (a, "A", LinePattern.Solid), (b, "B", LinePattern.Dashed) })
        foreach (var (name, q, hex) in new[] { ("p50", 0.5, "#2CA02C"), ("p99", 0.99, "#FF7F0E") })
            Line(
                latency,
                d,
                width,
                w =>
                    w.Where(o => o.Outcome == Outcome.Ok).Select(o => d.Latency(o)!.Value).Order().ToList()
                        is { Count: > 0 } l
                        ? PlotKit.Log(Core.Checks.Quantiles.NearestRank(l, q), 0.001)
                        : null,
                $"{run} {name}",
                hex,
                pattern
            );
        PlotKit.LogY(latency, v => PlotKit.Duration(v, "ms"));
        Finish(latency, a, b);
        PlotKit.Save(latency, Path.Combine(dir, LatencyFile), options);

        var rate = PlotKit.New(
            $"Throughput: ok operations per second ({PlotKit.Number(width)} s windows)",
            "seconds since each run's test began",
            "ok operations per second"
        );
        Shade(rate, a, b);
        Line(
            rate,
            a,
            width,
            w => w.Count(o => o.Outcome == Outcome.Ok) / width,
            "A ok/s",
            ReportColors.Ok,
            LinePattern.Solid
        );
        Line(
            rate,
            b,
            width,
            w => w.Count(o => o.Outcome == Outcome.Ok) / width,
            "B ok/s",
            "#1F77B4",
            LinePattern.Dashed
        );
        rate.Axes.Margins(bottom: 0);
        Finish(rate, a, b);
        PlotKit.Save(rate, Path.Combine(dir, ThroughputFile), options);
    }

    static void Line(
        Plot plot,
        HistoryDigest d,
        double width,
        Func<List<ClientOp>, double?> figure,
        string legend,
        string hex,
        LinePattern pattern
    )
    {
        var count = Math.Max(1, (int)Math.Ceiling(d.AxisEnd / width));
        var windows = new List<ClientOp>[count];
        for (var i = 0; i < count; i++)
            windows[i] = [];
        foreach (var o in d.Ops)
            if (!o.Pending)
                windows[Math.Clamp((int)(d.Axis(o.Completed) / width), 0, count - 1)].Add(o);
        var xs = new List<double>();
        var ys = new List<double>();
        for (var i = 0; i < count; i++)
            if (figure(windows[i]) is { } y)
            {
                xs.Add((i + 0.5) * width);
                ys.Add(y);
            }
        if (xs.Count == 0)
            return;
        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), Color.FromHex(hex));
        line.LinePattern = pattern;
        line.LineWidth = 1.8f;
        line.MarkerSize = 3;
        line.LegendText = legend;
    }

    static void Shade(Plot plot, HistoryDigest a, HistoryDigest b)
    {
        foreach (var (d, run, opacity) in new[] { (a, "A", 0.22), (b, "B", 0.10) })
        {
            var labelled = new HashSet<string>();
            foreach (var w in d.Faults)
            {
                var (start, end) = d.AxisSpan(w);
                if (end <= start)
                    end = start + 0.01;
                var span = plot.Add.HorizontalSpan(start, end, ReportColors.Fault(w.Kind).WithOpacity(opacity));
                span.LineWidth = 0;
                span.EnableAutoscale = false;
                if (labelled.Add(w.Kind))
                    span.LegendText = $"{run} nemesis: {w.Kind}";
            }
        }
    }

    static void Finish(Plot plot, HistoryDigest a, HistoryDigest b)
    {
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 12;
        plot.Legend.SymbolWidth = 36;
        var end = Math.Max(1, Math.Max(a.AxisEnd, b.AxisEnd));
        plot.Axes.SetLimitsX(-end * 0.01, end * 1.01);
    }
}
