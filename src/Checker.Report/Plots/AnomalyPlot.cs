using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Report.Data;
using ScottPlot;
using SkiaSharp;

namespace Checker.Report.Plots;

/// <summary>
/// anomaly.png for an invalid run: the minimal counterexample as process lanes over time, the op that cannot
/// be linearized outlined in red; below it, for a register, every value read and written on that key around
/// the failure, so a stale read shows as a read below or above every write it overlaps.
/// </summary>
public static class AnomalyPlot
{
    public const string FileName = "anomaly.png";

    static readonly string[] FHexes = ["#1F77B4", "#2CA02C", "#9467BD", "#8C564B", "#17BECF", "#BCBD22"];

    public static void Write(string path, HistoryDigest d, KeyFailure failure, ReportOptions options)
    {
        var lanes = BuildLanes(d, failure);
        var values = BuildValues(d, failure);
        var laneCount = failure.Minimal.Select(o => o.Process).Concat(AnomalyContext.Of(d, failure).Select(c => c.Op.Process)).Distinct().Count();
        var lanesHeight = Math.Max(320, 170 + 55 * laneCount);
        var valuesHeight = values is null ? 0 : 460;
        // Each plot renders to its own image (a plot clears the whole canvas it is given), then they are stacked.
        using var surface = SKSurface.Create(new SKImageInfo(options.PlotWidth, lanesHeight + valuesHeight));
        surface.Canvas.Clear(SKColors.White);
        Draw(surface.Canvas, lanes, options.PlotWidth, lanesHeight, 0);
        if (values is not null) Draw(surface.Canvas, values, options.PlotWidth, valuesHeight, lanesHeight);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    static void Draw(SKCanvas canvas, Plot plot, int width, int height, int top)
    {
        using var bitmap = SKBitmap.Decode(plot.GetImageBytes(width, height, ImageFormat.Png));
        canvas.DrawBitmap(bitmap, 0, top);
        plot.Dispose();
    }

    /// <summary>The x range the counterexample and its context span, with a margin; a crashed op runs to its right edge.</summary>
    public static (double From, double To) Range(HistoryDigest d, KeyFailure f)
    {
        var ops = (f.Minimal.Count > 0 ? f.Minimal : [f.Failed]).Concat(AnomalyContext.Of(d, f).Select(c => c.Op)).ToList();
        var from = ops.Min(o => d.Axis(o.Call));
        var to = ops.Max(o => d.Axis(o.Return ?? o.Call));
        var margin = Math.Max((to - from) * 0.08, d.Timed ? 1e-4 : 1);
        return (from - margin, to + margin);
    }

    public static Plot BuildLanes(HistoryDigest d, KeyFailure f)
    {
        var key = f.Key is null ? "" : $" on key {Values.Format(f.Key)}";
        var count = f.Minimal.Count == 1 ? "1 op" : $"{f.Minimal.Count} ops";
        var from0 = f.MinimalStartsFrom.Count == 0 ? "" : $", starting from {(f.MinimalStartsFrom.Count == 1 ? "state" : "any of the states")} {string.Join(", ", f.MinimalStartsFrom.Take(6))}";
        var plot = PlotKit.New($"Minimal counterexample{key}: {count} that no order can explain{from0}", d.AxisLabel, "");
        var (from, to) = Range(d, f);
        PlotKit.ShadeFaults(plot, d, from, to);
        var context = AnomalyContext.Of(d, f);
        var roles = context.ToDictionary(c => c.Op.InvokeIndex, c => c.Role);
        var drawn = (f.Minimal.Count > 0 ? f.Minimal : [f.Failed]).Concat(context.Select(c => c.Op)).ToList();
        var processes = drawn.Select(o => o.Process).Append(f.Failed.Process).Distinct().Order().ToList();
        var fs = drawn.Select(o => o.F).Append(f.Failed.F).Distinct().Order(StringComparer.Ordinal).ToList();
        var labelled = new HashSet<string>();
        foreach (var op in drawn)
        {
            var lane = processes.Count - 1 - processes.IndexOf(op.Process); // first process on top
            var start = d.Axis(op.Call);
            var end = op.Return is { } r ? d.Axis(r) : to;
            var isFailed = op.InvokeIndex == f.Failed.InvokeIndex;
            var role = roles.GetValueOrDefault(op.InvokeIndex);
            var colour = Color.FromHex(FHexes[fs.IndexOf(op.F) % FHexes.Length]);
            if (role is not null) colour = colour.WithOpacity(0.45); // context: lighter than the counterexample itself
            var box = plot.Add.Rectangle(start, Math.Max(end, start + (to - from) * 0.002), lane - 0.22, lane + 0.22);
            box.FillColor = op.Crashed ? colour.WithOpacity(0.25) : colour.WithOpacity(0.7);
            box.LineColor = isFailed ? Color.FromHex(ReportColors.Fail) : colour;
            box.LineWidth = isFailed ? 4 : 1.5f;
            box.LinePattern = op.Crashed ? LinePattern.Dashed : LinePattern.Solid;
            // Legend entries per f are added by hand below: a box's own entry would carry the failed op's red outline.
            if (labelled.Add(op.F)) plot.Legend.ManualItems.Add(new LegendItem { LabelText = op.F, FillColor = colour.WithOpacity(0.7), OutlineColor = colour });
            var text = plot.Add.Text(Describe(op) + (isFailed ? "   <- cannot be linearized" : role is null or "concurrent" ? "" : $"   ({role})"), start, lane + 0.26);
            text.LabelFontSize = 12;
            text.LabelFontColor = isFailed ? Color.FromHex(ReportColors.Fail) : Colors.Black;
            text.LabelBold = isFailed;
            text.LabelAlignment = Alignment.LowerLeft;
        }
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "cannot be linearized", OutlineColor = Color.FromHex(ReportColors.Fail), OutlineWidth = 3, FillColor = Colors.White });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "crashed (took effect or not)", OutlineColor = Colors.Gray, OutlinePattern = LinePattern.Dashed, FillColor = Colors.Gray.WithOpacity(0.25) });
        plot.Axes.Left.SetTicks(
            Enumerable.Range(0, processes.Count).Select(i => (double)i).ToArray(),
            Enumerable.Range(0, processes.Count).Select(i => $"process {processes[processes.Count - 1 - i]}").ToArray());
        plot.Axes.SetLimitsY(-0.7, processes.Count - 0.2);
        plot.Axes.SetLimitsX(from, to);
        plot.ShowLegend(Edge.Right);
        AlignWithValues(plot);
        return plot;
    }

    /// <summary>Both panels get the same margins so one x position is one moment in both.</summary>
    static void AlignWithValues(Plot plot) => plot.Layout.Fixed(new PixelPadding(110, 330, 55, 45));

    /// <summary>"write 3", "read -> 3", "cas [3 0] -> ?": what the op asked for and saw.</summary>
    public static string Describe(OpView op) =>
        $"{op.F} {(op.Input is null && op.F == "read" ? "" : Values.Format(op.Input) + " ")}" +
        (op.Crashed ? "-> ?" : $"-> {Values.Format(op.Output)}");

    /// <summary>Register values around the failure; null when the ops are not a register's or carry no numbers.</summary>
    public static Plot? BuildValues(HistoryDigest d, KeyFailure f)
    {
        if (!f.Minimal.Append(f.Failed).Any(o => o.F is "read" or "write" or "cas")) return null;
        List<Operation> ops;
        try { ops = Pairing.Pair(d.History); }
        catch (HistoryFormatException) { return null; } // a history the checker could not pair either: lanes only
        var (from, to) = Range(d, f);
        var failedAt = d.Axis(f.Failed.Call);
        var near = ops
            .Where(o => Values.Same(o.Key, f.Key) && o.F is "read" or "write" or "cas")
            .Where(o => d.Axis(o.Call) <= to && (o.Crashed || d.Axis(o.Return) >= from))
            .OrderBy(o => Math.Abs(d.Axis(o.Call) - failedAt))
            .Take(400)
            .ToList();
        var plot = PlotKit.New("Values read and written on that key around the failure", d.AxisLabel, "register value");
        PlotKit.ShadeFaults(plot, d, from, to);
        var drawn = 0;
        var labelled = new HashSet<string>();
        foreach (var o in near)
        {
            var (value, kind, hex) = o.F switch
            {
                "write" => (o.Input, "value written", "#1F77B4"),
                "cas" => (o.Input is IList<object?> { Count: 2 } pair ? pair[1] : null, "value written by cas", "#9467BD"),
                _ => (o.Crashed ? null : o.Output, "value read", "#2CA02C"),
            };
            if (!TryNumber(value, out var y)) continue;
            var isFailed = o.Invoke.Index == f.Failed.InvokeIndex;
            var start = Math.Max(d.Axis(o.Call), from);
            var end = o.Crashed ? to : Math.Min(d.Axis(o.Return), to);
            var line = plot.Add.Line(start, y, Math.Max(end, start + (to - from) * 0.002), y);
            line.LineColor = isFailed ? Color.FromHex(ReportColors.Fail) : Color.FromHex(hex);
            line.LineWidth = isFailed ? 6 : o.Crashed ? 1.5f : 3;
            if (o.Crashed) line.LineColor = line.LineColor.WithOpacity(0.5); // maybes: visible, but behind the facts
            line.LinePattern = o.Crashed ? LinePattern.Dashed : LinePattern.Solid;
            line.MarkerSize = 0;
            var label = isFailed ? "cannot be linearized" : o.Crashed ? $"{kind} (crashed: maybe)" : kind;
            if (labelled.Add(label)) line.LegendText = label;
            drawn++;
        }
        var states = f.States.Select(s => TryNumber(ParseState(s), out var v) ? (double?)v : null).OfType<double>().Distinct().ToList();
        foreach (var s in states)
        {
            var h = plot.Add.HorizontalLine(s, 1.5f, Colors.Black.WithOpacity(0.55), LinePattern.Dotted);
            if (labelled.Add("states")) h.LegendText = "what the register could hold at the failure";
        }
        if (drawn == 0) return null;
        plot.Axes.SetLimitsX(from, to);
        plot.ShowLegend(Edge.Right);
        AlignWithValues(plot);
        return plot;
    }

    /// <summary>Model states print as EDN-ish text ("3", "nil"); only numbers can be drawn.</summary>
    static object? ParseState(string s) => long.TryParse(s.Trim(), out var l) ? l : double.TryParse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    static bool TryNumber(object? v, out double y)
    {
        switch (v)
        {
            case long l: y = l; return true;
            case int i: y = i; return true;
            case double dd when double.IsFinite(dd): y = dd; return true;
            default: y = 0; return false;
        }
    }
}
