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
        var width = options.PlotWidth;
        var (lanes, values) = Build(d, failure, width);
        var valuesHeight = values is null ? 0 : ValuesHeight;
        // Each plot renders to its own image (a plot clears the whole canvas it is given), then they are stacked.
        using var surface = SKSurface.Create(new SKImageInfo(width, lanes.Height + valuesHeight));
        surface.Canvas.Clear(SKColors.White);
        Draw(surface.Canvas, lanes.Plot, width, lanes.Height, 0);
        if (values is not null)
            Draw(surface.Canvas, values, width, valuesHeight, lanes.Height);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    public const int ValuesHeight = 460;

    /// <summary>
    /// Both panels at the given width: the lanes, and below them the register values (null when not a
    /// register's). The legends sit right of the data, in a margin both panels share, as wide as the wider
    /// legend needs, so one x position is one moment in both and neither legend is cut off.
    /// </summary>
    public static (LanesPanel Lanes, Plot? Values) Build(HistoryDigest d, KeyFailure failure, int width)
    {
        var values = BuildValues(d, failure);
        int right;
        using (var measuring = BuildLanes(d, failure, width).Plot)
            right = RightMargin(width, measuring, values);
        if (values is not null)
            AlignWithValues(values, right);
        return (BuildLanes(d, failure, width, right), values);
    }

    static void Draw(SKCanvas canvas, Plot plot, int width, int height, int top)
    {
        using var bitmap = SKBitmap.Decode(plot.GetImageBytes(width, height, ImageFormat.Png));
        canvas.DrawBitmap(bitmap, 0, top);
        plot.Dispose();
    }

    /// <summary>The x range the counterexample and its context span, with a margin; a crashed op runs to its right
    /// edge.</summary>
    public static (double From, double To) Range(HistoryDigest d, KeyFailure f)
    {
        var ops = (f.Minimal.Count > 0 ? f.Minimal : [f.Failed])
            .Concat(AnomalyContext.Of(d, f).Select(c => c.Op))
            .ToList();
        var from = ops.Min(o => d.Axis(o.Call));
        var to = ops.Max(o => d.Axis(o.Return ?? o.Call));
        var margin = Math.Max((to - from) * 0.08, d.Timed ? 1e-4 : 1);
        return (from - margin, to + margin);
    }

    /// <summary>The lanes panel and the height (pixels) its lanes and labels need at its width.</summary>
    public sealed record LanesPanel(Plot Plot, int Height);

    // The panels' margins in pixels: the y tick labels on the left, the title on top, the x axis below.
    const int LeftMargin = 110,
        TopMargin = 45,
        BottomMargin = 55,
        DefaultRightMargin = 330;

    // A lane: its op boxes, then rows of labels above them, each row one line of 12 px text.
    const float BoxPixels = 24,
        LabelGap = 3,
        LaneGap = 8,
        LabelSpacing = 8;

    // ScottPlot draws a label a few pixels larger than the text measures (its rectangle rounds out the glyphs).
    const float LabelSlack = 4;

    /// <summary>
    /// The counterexample as one lane per process, each op a box labelled with what it did. Labels are laid
    /// out in pixels: each is measured, kept inside the data area (moved left from its op when it would run
    /// past the right edge, cut short only if wider than the whole area), and stacked in rows above its lane
    /// where it would touch a neighbour; the lanes are spaced for the rows the busiest lane needs.
    /// </summary>
    public static LanesPanel BuildLanes(
        HistoryDigest d,
        KeyFailure f,
        int width = 1200,
        int rightMargin = DefaultRightMargin
    )
    {
        var key = f.Key is null ? "" : $" on key {Values.Format(f.Key)}";
        var count = f.Minimal.Count == 1 ? "1 op" : $"{f.Minimal.Count} ops";
        var from0 =
            f.MinimalStartsFrom.Count == 0
                ? ""
                : $", starting from {(f.MinimalStartsFrom.Count == 1 ? "state" : "any of the states")} "
                    + $"{string.Join(", ", f.MinimalStartsFrom.Take(6))}";
        var what = f.Kind switch
        {
            CounterexampleKind.Minimal => "Minimal counterexample",
            CounterexampleKind.HistoryPrefix => "Unshrunk counterexample (the history prefix)",
            _ => "Partly shrunk counterexample",
        };
        var title = FitTitle($"{what}{key}: {count} that no order can explain", from0, width);
        var plot = PlotKit.New(title, d.AxisLabel, "");
        var (from, to) = Range(d, f);
        PlotKit.ShadeFaults(plot, d, from, to);
        var context = AnomalyContext.Of(d, f);
        var roles = context.ToDictionary(c => c.Op.InvokeIndex, c => c.Role);
        var drawn = (f.Minimal.Count > 0 ? f.Minimal : [f.Failed]).Concat(context.Select(c => c.Op)).ToList();
        var processes = drawn.Select(o => o.Process).Append(f.Failed.Process).Distinct().Order().ToList();
        var fs = drawn.Select(o => o.F).Append(f.Failed.F).Distinct().Order(StringComparer.Ordinal).ToList();
        var labelled = new HashSet<string>();
        var labels = new List<(ScottPlot.Plottables.Text Text, int Lane, double Start)>();
        var boxes = new List<(ScottPlot.Plottables.Rectangle Box, int Lane)>();
        foreach (var op in drawn)
        {
            var lane = processes.Count - 1 - processes.IndexOf(op.Process); // first process on top
            var start = d.Axis(op.Call);
            var end = op.Return is { } r ? d.Axis(r) : to;
            var isFailed = op.InvokeIndex == f.Failed.InvokeIndex;
            var role = roles.GetValueOrDefault(op.InvokeIndex);
            var colour = Color.FromHex(FHexes[fs.IndexOf(op.F) % FHexes.Length]);
            if (role is not null)
                colour = colour.WithOpacity(0.45); // context: lighter than the counterexample itself
            var box = plot.Add.Rectangle(start, Math.Max(end, start + (to - from) * 0.002), lane, lane);
            box.FillColor = op.Crashed ? colour.WithOpacity(0.25) : colour.WithOpacity(0.7);
            box.LineColor = isFailed ? Color.FromHex(ReportColors.Fail) : colour;
            box.LineWidth = isFailed ? 4 : 1.5f;
            box.LinePattern = op.Crashed ? LinePattern.Dashed : LinePattern.Solid;
            boxes.Add((box, lane));
            // Legend entries per f are added by hand below: a box's own entry would carry the failed op's red outline.
            if (labelled.Add(op.F))
                plot.Legend.ManualItems.Add(
                    new LegendItem
                    {
                        LabelText = op.F,
                        FillColor = colour.WithOpacity(0.7),
                        OutlineColor = colour,
                    }
                );
            var why =
                isFailed ? ": cannot be linearized"
                : role is null or "concurrent" ? ""
                : $" ({role})";
            var text = plot.Add.Text(Describe(op) + why, start, lane);
            text.LabelFontSize = 12;
            text.LabelFontColor = isFailed ? Color.FromHex(ReportColors.Fail) : Colors.Black;
            text.LabelBold = isFailed;
            text.LabelAlignment = Alignment.LowerLeft;
            labels.Add((text, lane, start));
        }
        plot.Legend.ManualItems.Add(
            new LegendItem
            {
                LabelText = "cannot be linearized",
                OutlineColor = Color.FromHex(ReportColors.Fail),
                OutlineWidth = 3,
                FillColor = Colors.White,
            }
        );
        plot.Legend.ManualItems.Add(
            new LegendItem
            {
                LabelText = "crashed (took effect or not)",
                OutlineColor = Colors.Gray,
                OutlinePattern = LinePattern.Dashed,
                FillColor = Colors.Gray.WithOpacity(0.25),
            }
        );
        plot.Axes.Left.SetTicks(
            Enumerable.Range(0, processes.Count).Select(i => (double)i).ToArray(),
            Enumerable.Range(0, processes.Count).Select(i => $"process {processes[processes.Count - 1 - i]}").ToArray()
        );

        // Horizontal layout, in pixels of the data area: each label's left edge and its row above its lane.
        var dataLeft = LeftMargin;
        var dataWidth = width - LeftMargin - rightMargin;
        double Px(double x) => dataLeft + (x - from) / (to - from) * dataWidth;
        using var paint = Paint.NewDisposablePaint();
        var lineHeight = 0f;
        var placed = new List<(int Lane, int Row, float Left, float Right)>();
        var rowsOf = new int[labels.Count];
        var leftOf = new float[labels.Count];
        foreach (var i in Enumerable.Range(0, labels.Count).OrderBy(i => labels[i].Lane).ThenBy(i => labels[i].Start))
        {
            var (text, lane, start) = labels[i];
            var size = FitWidth(text, paint, dataWidth - 4);
            lineHeight = Math.Max(lineHeight, size.Height);
            var left = (float)Math.Clamp(Px(start), dataLeft + 2, dataLeft + dataWidth - 2 - size.Width);
            var row = 0;
            bool Taken(int r) =>
                placed.Any(p =>
                    p.Lane == lane
                    && p.Row == r
                    && left < p.Right + LabelSpacing
                    && left + size.Width > p.Left - LabelSpacing
                );
            while (Taken(row))
                row++;
            placed.Add((lane, row, left, left + size.Width));
            (rowsOf[i], leftOf[i]) = (row, left);
        }
        var rows = placed.Count == 0 ? 1 : placed.Max(p => p.Row) + 1;
        var rowPixels = lineHeight + 1;

        // Vertical layout: one data unit is one lane, as many pixels as its box, its rows of labels and a gap need.
        var lanePixels = BoxPixels + LabelGap + rows * rowPixels + LaneGap;
        var half = BoxPixels / 2 / lanePixels;
        var yMax = processes.Count - 1 + half + (LabelGap + rows * rowPixels + LaneGap / 2) / lanePixels;
        var yMin = -0.5 - 20 / lanePixels; // room below the lowest lane's box before the x axis
        var dataHeight = Math.Max((yMax - yMin) * lanePixels, 320 - TopMargin - BottomMargin);
        yMin = yMax - dataHeight / lanePixels;
        foreach (var (box, lane) in boxes)
            (box.Y1, box.Y2) = (lane - half, lane + half);
        for (var i = 0; i < labels.Count; i++)
        {
            var (text, lane, _) = labels[i];
            var x = from + (leftOf[i] - dataLeft) / dataWidth * (to - from);
            text.Location = new Coordinates(x, lane + half + (LabelGap + rowsOf[i] * rowPixels) / lanePixels);
        }
        plot.Axes.SetLimitsY(yMin, yMax);
        plot.Axes.SetLimitsX(from, to);
        plot.ShowLegend(Edge.Right);
        AlignWithValues(plot, rightMargin);
        return new LanesPanel(plot, (int)Math.Ceiling(dataHeight) + TopMargin + BottomMargin);
    }

    /// <summary>
    /// A label's size as drawn: the text's measure and the few pixels ScottPlot draws around it. One wider
    /// than the room is cut short with an ellipsis until it fits.
    /// </summary>
    static PixelSize FitWidth(ScottPlot.Plottables.Text text, Paint paint, float room)
    {
        PixelSize Drawn()
        {
            var measured = text.LabelStyle.Measure(paint).Size;
            return new PixelSize(measured.Width + LabelSlack, measured.Height + LabelSlack);
        }
        var size = Drawn();
        while (size.Width > room && text.LabelText.Length > 4)
        {
            text.LabelText = text.LabelText[..^2].TrimEnd('…') + "…";
            size = Drawn();
        }
        return size;
    }

    /// <summary>The title with the starting states while it fits the figure (15 px bold), else without them.</summary>
    static string FitTitle(string title, string states, int width)
    {
        using var paint = Paint.NewDisposablePaint();
        var label = new LabelStyle
        {
            Text = title + states,
            FontSize = 15,
            Bold = true,
            FontName = Fonts.Default,
        };
        return label.Measure(paint).Width <= width - 20 ? title + states : title;
    }

    /// <summary>The right margin both panels share: what the wider legend needs, at most half the figure.</summary>
    static int RightMargin(int width, Plot lanes, Plot? values)
    {
        using var paint = Paint.NewDisposablePaint();
        float Need(Plot p) =>
            p
                .Axes.GetPanels()
                .OfType<ScottPlot.Panels.LegendPanel>()
                .Select(l => l.Measure(paint))
                .DefaultIfEmpty(0)
                .Max();
        var need = Math.Max(Need(lanes), values is null ? 0 : Need(values));
        return (int)Math.Clamp(Math.Ceiling(need) + 12, 200, width / 2);
    }

    /// <summary>Both panels get the same margins so one x position is one moment in both.</summary>
    static void AlignWithValues(Plot plot, int rightMargin) =>
        plot.Layout.Fixed(new PixelPadding(LeftMargin, rightMargin, BottomMargin, TopMargin));

    /// <summary>"write 3", "read -> 3", "cas [3 0] -> ?": what the op asked for and saw.</summary>
    public static string Describe(OpView op) =>
        $"{op.F} {(op.Input is null && op.F == "read" ? "" : Values.Format(op.Input) + " ")}"
        + (op.Crashed ? "-> ?" : $"-> {Values.Format(op.Output)}");

    /// <summary>Register values around the failure; null when the ops are not a register's or carry no
    /// numbers.</summary>
    public static Plot? BuildValues(HistoryDigest d, KeyFailure f)
    {
        if (!f.Minimal.Append(f.Failed).Any(o => o.F is "read" or "write" or "cas"))
            return null;
        List<Operation> ops;
        try
        {
            ops = Pairing.Pair(d.History);
        }
        catch (HistoryFormatException)
        {
            return null;
        } // a history the checker could not pair either: lanes only
        var (from, to) = Range(d, f);
        var failedAt = d.Axis(f.Failed.Call);
        var near = ops.Where(o => Values.Same(o.Key, f.Key) && o.F is "read" or "write" or "cas")
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
                "cas" => (
                    o.Input is IList<object?> { Count: 2 } pair ? pair[1] : null,
                    "value written by cas",
                    "#9467BD"
                ),
                _ => (o.Crashed ? null : o.Output, "value read", "#2CA02C"),
            };
            if (!TryNumber(value, out var y))
                continue;
            var isFailed = o.Invoke.Index == f.Failed.InvokeIndex;
            var start = Math.Max(d.Axis(o.Call), from);
            var end = o.Crashed ? to : Math.Min(d.Axis(o.Return), to);
            var line = plot.Add.Line(start, y, Math.Max(end, start + (to - from) * 0.002), y);
            line.LineColor = isFailed ? Color.FromHex(ReportColors.Fail) : Color.FromHex(hex);
            line.LineWidth =
                isFailed ? 6
                : o.Crashed ? 1.5f
                : 3;
            if (o.Crashed)
                line.LineColor = line.LineColor.WithOpacity(0.5); // maybes: visible, but behind the facts
            line.LinePattern = o.Crashed ? LinePattern.Dashed : LinePattern.Solid;
            line.MarkerSize = 0;
            var label =
                isFailed ? "cannot be linearized"
                : o.Crashed ? $"{kind} (crashed: maybe)"
                : kind;
            if (labelled.Add(label))
                line.LegendText = label;
            drawn++;
        }
        var states = f
            .States.Select(s => TryNumber(ParseState(s), out var v) ? (double?)v : null)
            .OfType<double>()
            .Distinct()
            .ToList();
        foreach (var s in states)
        {
            var h = plot.Add.HorizontalLine(s, 1.5f, Colors.Black.WithOpacity(0.55), LinePattern.Dotted);
            if (labelled.Add("states"))
                h.LegendText = "what the register could hold at the failure";
        }
        if (drawn == 0)
            return null;
        plot.Axes.SetLimitsX(from, to);
        plot.ShowLegend(Edge.Right);
        AlignWithValues(plot, DefaultRightMargin);
        return plot;
    }

    /// <summary>Model states print as EDN-ish text ("3", "nil"); only numbers can be drawn.</summary>
    static object? ParseState(string s) =>
        long.TryParse(s.Trim(), out var l) ? l
        : double.TryParse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
        : null;

    static bool TryNumber(object? v, out double y)
    {
        switch (v)
        {
            case long l:
                y = l;
                return true;
            case int i:
                y = i;
                return true;
            case double dd when double.IsFinite(dd):
                y = dd;
                return true;
            default:
                y = 0;
                return false;
        }
    }
}
