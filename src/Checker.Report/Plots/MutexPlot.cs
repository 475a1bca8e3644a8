using Checker.Core.History;
using Checker.Core.Workloads;
using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>
/// mutex.png: one lane per process, a bar for each time it certainly held the lock (acquire ok to the
/// invoke of its release), the bars of overlapping holders in red and the moments two held it at once
/// shaded red. A long history is drawn around the first overlap (or the op no order could linearize).
/// </summary>
public static class MutexPlot
{
    public const string FileName = "mutex.png";

    /// <summary>Bars drawn at most: around the focus, the rest of a long history is left out (and the title says
    /// so).</summary>
    const int MaxBars = 1500;

    /// <summary>Overlapping holders, or a history the mutex model cannot linearize: either way the holders are worth
    /// seeing.</summary>
    public static bool HasAnomalies(MutexReport r) =>
        r.Overlaps > 0 || r.Linearizability.Verdict == Core.Checks.Verdict.Invalid;

    /// <summary>The picture, or null when the history's ops cannot be paired (the checker said so already).</summary>
    public static Plot? Build(HistoryDigest d, MutexReport r, ReportOptions options)
    {
        List<MutexChecker.Span> holders;
        try
        {
            holders = MutexChecker.Holders(ClientCalls.Of(d.History, "history"));
        }
        catch (HistoryFormatException)
        {
            return null;
        }
        if (holders.Count == 0)
            return null;
        var focus =
            r.FirstOverlaps.Count > 0
                ? r.FirstOverlaps[0].Second.FromIndex
                : r.Linearizability.Failure?.Failed.InvokeIndex;
        var shown = holders;
        if (holders.Count > MaxBars)
        {
            var at = focus is { } f ? Math.Max(0, holders.FindIndex(h => h.View.FromIndex >= f)) : 0;
            var start = Math.Clamp(at - MaxBars / 2, 0, holders.Count - MaxBars);
            shown = holders.GetRange(start, MaxBars);
        }
        double X(long? time, long? index) => index is null ? double.NaN : ElementsPlot.X(d, time ?? -1, index.Value);
        var from = shown.Min(h => X(h.View.FromTime, h.View.FromIndex));
        var to = shown.Max(h =>
            h.View.ReleaseIndex is null ? X(h.View.FromTime, h.View.FromIndex) : X(h.View.ToTime, h.View.ReleaseIndex)
        );
        to = Math.Max(to, shown.Count == holders.Count ? d.AxisEnd : to);
        var margin = Math.Max((to - from) * 0.03, d.Timed ? 1e-4 : 1);
        (from, to) = (from - margin, to + margin);

        var overlapping = r.FirstOverlaps.SelectMany(o => new[] { o.First.FromIndex, o.Second.FromIndex }).ToHashSet();
        var processes = shown.Select(h => h.View.Process).Distinct().Order().ToList();
        var title =
            $"Mutex: {r.Holders:N0} holders, {r.Overlaps:N0} overlapping pairs"
            + (
                shown.Count < holders.Count
                    ? $" ({shown.Count:N0} holders drawn, around "
                        + $"{(r.FirstOverlaps.Count > 0 ? "the first overlap" : "the failure")})"
                    : ""
            );
        var plot = PlotKit.New(title, d.AxisLabel, "");
        PlotKit.ShadeFaults(plot, d, from, to);
        foreach (var o in r.FirstOverlaps)
        {
            var a = Math.Max(X(o.First.FromTime, o.First.FromIndex), X(o.Second.FromTime, o.Second.FromIndex));
            var b = Math.Min(End(o.First), End(o.Second));
            if (b < from || a > to)
                continue;
            var span = plot.Add.HorizontalSpan(
                Math.Max(a, from),
                Math.Min(b, to),
                Color.FromHex(ReportColors.Fail).WithOpacity(0.18)
            );
            span.LineWidth = 0;
        }
        double End(Holder h) => h.ReleaseIndex is null ? to : X(h.ToTime, h.ReleaseIndex);
        var labelled = new HashSet<bool>();
        foreach (var h in shown)
        {
            var lane = processes.Count - 1 - processes.IndexOf(h.View.Process);
            var start = X(h.View.FromTime, h.View.FromIndex);
            var end = Math.Max(End(h.View), start + (to - from) * 0.002);
            var bad = overlapping.Contains(h.View.FromIndex);
            var colour = Color.FromHex(bad ? ReportColors.Fail : ReportColors.Ok);
            var bar = plot.Add.Rectangle(start, end, lane - 0.3, lane + 0.3);
            bar.FillColor = colour.WithOpacity(bad ? 0.8 : 0.55);
            bar.LineColor = colour;
            bar.LinePattern = h.View.ReleaseIndex is null ? LinePattern.Dashed : LinePattern.Solid;
            if (labelled.Add(bad))
                plot.Legend.ManualItems.Add(
                    new LegendItem
                    {
                        LabelText = bad ? "held while another held it" : "held the lock",
                        FillColor = colour.WithOpacity(0.7),
                        OutlineColor = colour,
                    }
                );
        }
        if (r.FirstOverlaps.Count > 0)
            plot.Legend.ManualItems.Add(
                new LegendItem
                {
                    LabelText = "two holders at once",
                    FillColor = Color.FromHex(ReportColors.Fail).WithOpacity(0.18),
                    OutlineColor = Colors.Transparent,
                }
            );
        var step = Math.Max(1, processes.Count / 40); // a label per lane while they fit
        var ticks = Enumerable.Range(0, processes.Count).Where(i => i % step == 0).ToList();
        plot.Axes.Left.SetTicks(
            ticks.Select(i => (double)(processes.Count - 1 - i)).ToArray(),
            ticks.Select(i => $"process {processes[i]}").ToArray()
        );
        plot.Axes.SetLimitsY(-0.8, processes.Count - 0.2);
        plot.Axes.SetLimitsX(from, to);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Tall enough for a lane per process, within reason.</summary>
    public static int Height(MutexReport r, HistoryDigest d, ReportOptions options)
    {
        var lanes = d
            .Ops.Where(o => o.F is MutexChecker.Acquire or MutexChecker.Release)
            .Select(o => o.Process)
            .Distinct()
            .Count();
        return Math.Clamp(140 + 26 * lanes, options.PlotHeight / 2, 1600);
    }
}
