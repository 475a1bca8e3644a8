using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>rate.png: completed ops per second (or per window when untimed) over time, by f and outcome.</summary>
public static class RatePlot
{
    public const string FileName = "rate.png";

    static readonly LinePattern[] Patterns =
    [
        LinePattern.Solid,
        LinePattern.Dashed,
        LinePattern.Dotted,
        LinePattern.DenselyDashed,
    ];

    public static Plot Build(HistoryDigest d, ReportOptions options)
    {
        var buckets = TimeBuckets.For(d);
        var window = d.Timed ? $"{PlotKit.Number(buckets.Width)} s" : $"{PlotKit.Number(buckets.Width)} records";
        var plot = PlotKit.New(
            $"Throughput: completed operations per {window} window",
            d.AxisLabel,
            d.Timed ? "operations per second" : "operations per window"
        );
        PlotKit.ShadeFaults(plot, d);

        // Per window rather than per second, then scaled, so a short history still gets a smooth line.
        var perSecond = d.Timed ? 1 / buckets.Width : 1;
        for (var fi = 0; fi < d.Fs.Count; fi++)
        {
            foreach (var outcome in new[] { Outcome.Ok, Outcome.Info, Outcome.Fail })
            {
                var counts = new double[buckets.Count];
                var any = false;
                foreach (var o in d.Ops)
                {
                    if (o.Pending || o.Outcome != outcome || o.F != d.Fs[fi])
                        continue;
                    counts[buckets.Of(d.Axis(o.Completed))]++;
                    any = true;
                }
                if (!any)
                    continue;
                var xs = Enumerable.Range(0, buckets.Count).Select(buckets.Middle).ToArray();
                var ys = counts.Select(c => c * perSecond).ToArray();
                var line = plot.Add.ScatterLine(xs, ys, ReportColors.Outcome(outcome));
                line.LinePattern = Patterns[fi % Patterns.Length];
                line.LineWidth = 1.8f;
                line.MarkerShape = ReportColors.Shape(fi);
                line.MarkerSize = xs.Length > 60 ? 3 : 5;
                line.LegendText = $"{d.Fs[fi]} {outcome.ToString().ToLowerInvariant()}";
            }
        }
        if (d.Ops.Count == 0)
            plot.Add.Annotation("no client operations");
        plot.Axes.Margins(bottom: 0);
        PlotKit.Finish(plot, d);
        return plot;
    }
}
