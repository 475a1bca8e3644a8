using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>latency-quantiles.png: p50, p95, p99 and max of ok ops' latency per time window, by f (log
/// scale).</summary>
public static class LatencyQuantilesPlot
{
    public const string FileName = "latency-quantiles.png";

    static readonly (string Name, double Q, string Hex)[] Quantiles =
    [
        ("p50", 0.50, "#2CA02C"),
        ("p95", 0.95, "#1F77B4"),
        ("p99", 0.99, "#FF7F0E"),
        ("max", 1.00, "#D62728"),
    ];

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
        var unit = d.Timed ? $"{PlotKit.Number(buckets.Width)} s" : $"{PlotKit.Number(buckets.Width)} records";
        var plot = PlotKit.New(
            $"Latency quantiles of ok operations per {unit} window",
            d.AxisLabel,
            $"latency ({d.LatencyUnit}, log scale)"
        );
        PlotKit.ShadeFaults(plot, d);

        var floor = d.Timed ? 0.001 : 1;
        for (var fi = 0; fi < d.Fs.Count; fi++)
        {
            var perBucket = new List<double>?[buckets.Count];
            foreach (var o in d.Ops)
            {
                if (o.Outcome != Outcome.Ok || o.F != d.Fs[fi])
                    continue;
                var b = buckets.Of(d.Axis(o.Invoked));
                (perBucket[b] ??= []).Add(d.Latency(o)!.Value);
            }
            foreach (var l in perBucket)
                l?.Sort();
            foreach (var (name, q, hex) in Quantiles)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (var b = 0; b < buckets.Count; b++)
                {
                    if (perBucket[b] is not { Count: > 0 } sorted)
                        continue;
                    xs.Add(buckets.Middle(b));
                    ys.Add(PlotKit.Log(Checker.Core.Checks.Quantiles.NearestRank(sorted, q), floor));
                }
                if (xs.Count == 0)
                    continue;
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), Color.FromHex(hex));
                line.LinePattern = Patterns[fi % Patterns.Length];
                line.LineWidth = 1.8f;
                line.MarkerShape = ReportColors.Shape(fi);
                line.MarkerSize = xs.Count > 60 ? 3 : 5;
                line.LegendText = $"{d.Fs[fi]} {name}";
            }
        }
        if (d.Ops.All(o => o.Outcome != Outcome.Ok))
            plot.Add.Annotation("no ok operations");
        PlotKit.LogY(plot, v => PlotKit.Duration(v, d.LatencyUnit));
        PlotKit.Finish(plot, d);
        return plot;
    }
}
