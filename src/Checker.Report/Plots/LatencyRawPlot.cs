using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>latency-raw.png: every op's latency at its invoke time, log scale, colour by outcome, shape by f.</summary>
public static class LatencyRawPlot
{
    public const string FileName = "latency-raw.png";

    /// <summary>Pixel-ish columns used to keep each column's slowest op when sampling.</summary>
    const int Columns = 1000;

    public static Plot Build(HistoryDigest d, ReportOptions options)
    {
        var done = d.Ops.Where(o => !o.Pending).ToList();
        var (keep, stride) = Sample(d, done, options.MaxRawPoints);
        var shown = keep.Count(k => k);
        var note =
            done.Count == 0 ? "no completed client operations"
            : stride == 1 ? $"all {done.Count:N0} ops"
            : $"{shown:N0} of {done.Count:N0} ops drawn: every {Ordinal(stride)} plus the slowest of each time column";
        var plot = PlotKit.New(
            $"Latency of each operation ({note})",
            d.AxisLabel,
            $"latency ({d.LatencyUnit}, log scale)"
        );
        PlotKit.ShadeFaults(plot, d);

        var floor = d.Timed ? 0.001 : 1;
        var markerSize =
            shown > 5000 ? 3f
            : shown > 500 ? 5f
            : 7f;
        for (var fi = 0; fi < d.Fs.Count; fi++)
        {
            foreach (var outcome in new[] { Outcome.Ok, Outcome.Info, Outcome.Fail })
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (var i = 0; i < done.Count; i++)
                {
                    var o = done[i];
                    if (!keep[i] || o.Outcome != outcome || o.F != d.Fs[fi])
                        continue;
                    xs.Add(d.Axis(o.Invoked));
                    ys.Add(PlotKit.Log(d.Latency(o)!.Value, floor));
                }
                if (xs.Count == 0)
                    continue;
                var markers = plot.Add.Markers(
                    xs.ToArray(),
                    ys.ToArray(),
                    ReportColors.Shape(fi),
                    markerSize,
                    ReportColors.Outcome(outcome).WithOpacity(0.75)
                );
                markers.LegendText = $"{d.Fs[fi]} {outcome.ToString().ToLowerInvariant()}";
            }
        }
        PlotKit.LogY(plot, v => PlotKit.Duration(v, d.LatencyUnit));
        PlotKit.Finish(plot, d);
        return plot;
    }

    /// <summary>
    /// Which ops to draw: all of them up to the cap; past it every k-th, plus the slowest op of each
    /// (column, f, outcome), because the outliers are what a person looks for and sampling would drop them.
    /// </summary>
    static (bool[] Keep, int Stride) Sample(HistoryDigest d, List<ClientOp> done, int cap)
    {
        var keep = new bool[done.Count];
        if (done.Count <= cap)
        {
            Array.Fill(keep, true);
            return (keep, 1);
        }
        var stride = (int)Math.Ceiling(done.Count / (cap * 0.75));
        var buckets = new TimeBuckets(d.AxisEnd, Columns);
        var slowest = new Dictionary<(int Column, string F, Outcome Outcome), int>();
        for (var i = 0; i < done.Count; i++)
        {
            if (i % stride == 0)
                keep[i] = true;
            var o = done[i];
            var key = (buckets.Of(d.Axis(o.Invoked)), o.F, o.Outcome);
            if (!slowest.TryGetValue(key, out var best) || d.Latency(done[best]) < d.Latency(o))
                slowest[key] = i;
        }
        foreach (var i in slowest.Values)
            keep[i] = true;
        return (keep, stride);
    }

    static string Ordinal(int n) =>
        n % 100 is 11 or 12 or 13
            ? $"{n}th"
            : (n % 10) switch
            {
                1 => $"{n}st",
                2 => $"{n}nd",
                3 => $"{n}rd",
                _ => $"{n}th",
            };
}
