using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Workloads;
using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>
/// set.png / queue.png: every acknowledged add (enqueue) as a small dot at its invoke time, the element on
/// the y axis (workloads add rising numbers, so the dots make a rising band), and over it the elements the
/// checker named: lost and duplicated at their add, unexpected and failed-but-present where a read showed them.
/// </summary>
public static class ElementsPlot
{
    public const string SetFile = "set.png",
        QueueFile = "queue.png";

    /// <summary>True when the set checker named elements a picture can show.</summary>
    public static bool HasAnomalies(SetReport r) => r.Lost.Count + r.Unexpected.Count + r.FailedButPresent.Count > 0;

    public static bool HasAnomalies(QueueReport r) =>
        r.Lost.Count + r.Duplicated.Count + r.Unexpected.Count + r.FailedButPresent.Count > 0;

    public static Plot Build(HistoryDigest d, SetReport r, ReportOptions options) =>
        Build(
            d,
            "add",
            "Set: "
                + Counts(
                    ("lost", r.Lost.Count),
                    ("unexpected", r.Unexpected.Count),
                    ("failed but present", r.FailedButPresent.Count)
                )
                + $" of {r.Acknowledged:N0} acknowledged adds",
            [
                ("lost", r.Lost, ReportColors.Fail, MarkerShape.Eks, false),
                ("unexpected (where read)", r.Unexpected, ReportColors.Info, MarkerShape.FilledDiamond, true),
                ("failed but present (where read)", r.FailedButPresent, "#9467BD", MarkerShape.FilledSquare, true),
            ],
            options,
            r.FinalReadTime is { } t && r.FinalReadIndex is { } i ? (t, i) : null
        );

    public static Plot Build(HistoryDigest d, QueueReport r, ReportOptions options) =>
        Build(
            d,
            "enqueue",
            "Queue: "
                + Counts(
                    ("never dequeued", r.Lost.Count),
                    ("certainly lost", r.CertainlyLost),
                    ("duplicated", r.Duplicated.Count),
                    ("unexpected", r.Unexpected.Count),
                    ("failed but present", r.FailedButPresent.Count)
                )
                + $" of {r.Acknowledged:N0} acknowledged enqueues",
            [
                (
                    r.CertainlyLost > 0 ? "lost" : "never dequeued (maybe taken by an indeterminate dequeue)",
                    r.Lost,
                    ReportColors.Fail,
                    MarkerShape.Eks,
                    false
                ),
                ("duplicated", r.Duplicated, "#E377C2", MarkerShape.FilledTriangleUp, false),
                ("unexpected (where dequeued)", r.Unexpected, ReportColors.Info, MarkerShape.FilledDiamond, true),
                ("failed but present (where dequeued)", r.FailedButPresent, "#9467BD", MarkerShape.FilledSquare, true),
            ],
            options,
            null
        );

    static Plot Build(
        HistoryDigest d,
        string addF,
        string title,
        (string Label, ElementList List, string Hex, MarkerShape Shape, bool AtSighting)[] classes,
        ReportOptions options,
        (long Time, long Index)? finalRead
    )
    {
        var plot = PlotKit.New(title, d.AxisLabel, "element");
        PlotKit.ShadeFaults(plot, d);
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var (invoke, done) in Pairing.Attempts(d.History))
            if (invoke.F == addF && done?.Type == OpType.Ok && invoke.Value is long x)
            {
                xs.Add(d.Axis(d.TimeOf(invoke)));
                ys.Add(x);
            }
        var stride = Math.Max(1, (int)Math.Ceiling(xs.Count / (double)options.MaxRawPoints));
        if (xs.Count > 0)
        {
            var few = xs.Count / stride <= 2000;
            var dots = plot.Add.Markers(
                xs.Where((_, i) => i % stride == 0).ToArray(),
                ys.Where((_, i) => i % stride == 0).ToArray(),
                MarkerShape.FilledCircle,
                few ? 5 : 3,
                Color.FromHex(ReportColors.Ok).WithOpacity(few ? 0.6 : 0.35)
            );
            dots.LegendText = $"acknowledged {addF}{(stride > 1 ? $" (every {stride}th of {xs.Count:N0})" : "")}";
        }
        foreach (var (label, list, hex, shape, atSighting) in classes)
        {
            var shown = list
                .First.Select(e =>
                    atSighting || e.AddIndex is null ? (e.SeenTime, e.SeenIndex) : (e.AddTime, e.AddIndex)
                )
                .Zip(list.First, (at, e) => (At: at, e.Element))
                .Where(p => p.At.Item2 is not null)
                .ToList();
            if (shown.Count == 0)
                continue;
            var m = plot.Add.Markers(
                shown.Select(p => X(d, p.At.Item1!.Value, p.At.Item2!.Value)).ToArray(),
                shown.Select(p => (double)p.Element).ToArray(),
                shape,
                12,
                Color.FromHex(hex)
            );
            m.MarkerLineWidth = 2.5f;
            m.LegendText =
                $"{label}: {list.Count:N0}{(list.Count > list.First.Count ? $" ({list.First.Count:N0} drawn)" : "")}";
        }
        if (finalRead is { } f)
        {
            var line = plot.Add.VerticalLine(
                X(d, f.Time, f.Index),
                1.5f,
                Colors.Black.WithOpacity(0.6),
                LinePattern.Dashed
            );
            line.LegendText = "final read";
        }
        PlotKit.Finish(plot, d);
        return plot;
    }

    /// <summary>"4 lost, 1 unexpected": the classes that have elements.</summary>
    static string Counts(params (string Name, int Count)[] classes) =>
        string.Join(", ", classes.Where(c => c.Count > 0).Select(c => $"{c.Count:N0} {c.Name}"));

    /// <summary>A time the details give (ns, or -1 untimed) on the digest's axis, by index when untimed.</summary>
    internal static double X(HistoryDigest d, long time, long index) => d.Axis(d.Timed ? time : index);
}
