using System.Globalization;
using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>What every plot of a report shares: fonts, the nemesis bands, log axes and the note on sampling.</summary>
internal static class PlotKit
{
    static readonly Lock FontGate = new();
    static bool fontsChecked;

    /// <summary>A plot with a title, axis labels and the legend outside the data area, so it hides nothing.</summary>
    public static Plot New(string title, string xLabel, string yLabel)
    {
        EnsureFont();
        var plot = new Plot();
        plot.Title(title, 15);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        return plot;
    }

    /// <summary>
    /// Shades each nemesis window in its kind's colour, beneath the data (added first), one legend entry per kind.
    /// Windows outside [from, to] are skipped and the rest clipped to it, so a zoomed plot keeps its range.
    /// </summary>
    public static void ShadeFaults(
        Plot plot,
        HistoryDigest digest,
        double from = double.NegativeInfinity,
        double to = double.PositiveInfinity
    )
    {
        var labelled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in digest.Faults)
        {
            var (start, end) = digest.AxisSpan(w);
            start = Math.Max(start, from);
            end = Math.Min(end, to);
            if (end < start)
                continue;
            if (end == start)
                end = start + Math.Max(1e-9, (digest.AxisEnd) * 1e-4); // an instant fault still shows
            var span = plot.Add.HorizontalSpan(
                start,
                end,
                ReportColors.Fault(w.Kind).WithOpacity(ReportColors.BandOpacity)
            );
            span.LineWidth = 0;
            span.EnableAutoscale = false;
            if (labelled.Add(w.Kind))
                span.LegendText = $"nemesis: {w.Kind}{(w.Healed ? "" : " (never healed)")}";
        }
    }

    /// <summary>Makes the left axis read as log10 of what is plotted: callers plot Math.Log10 of their
    /// values.</summary>
    public static void LogY(Plot plot, Func<double, string> label)
    {
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = y => label(Math.Pow(10, y)),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.12);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;
    }

    /// <summary>Log10 of a positive value, with zero and below drawn at the floor (a 0 ms op still appears).</summary>
    public static double Log(double v, double floor) => Math.Log10(Math.Max(v, floor));

    /// <summary>A latency for an axis label: "250 µs", "3 ms", "1.5 s", or records when the history has no
    /// times.</summary>
    public static string Duration(double value, string unit)
    {
        if (unit != "ms")
            return Number(value);
        if (value >= 1000)
            return $"{Number(value / 1000)} s";
        if (value < 1)
            return $"{Number(value * 1000)} µs";
        return $"{Number(value)} ms";
    }

    public static string Number(double v) =>
        v >= 1e6 ? (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : v >= 1e4 ? (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString(
            v >= 100 ? "0"
                : v >= 1 ? "0.##"
                : "0.###",
            CultureInfo.InvariantCulture
        );

    /// <summary>Legend on the right, outside the data; x range fixed to the history so bands and data line up across
    /// plots.</summary>
    public static void Finish(Plot plot, HistoryDigest digest)
    {
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 12;
        plot.Legend.SymbolWidth = 36; // long enough to tell dashed from dotted
        var end = digest.AxisEnd > 0 ? digest.AxisEnd : 1;
        plot.Axes.SetLimitsX(-end * 0.01, end * 1.01);
    }

    public static void Save(Plot plot, string path, ReportOptions options) =>
        plot.SavePng(path, options.PlotWidth, options.PlotHeight);

    /// <summary>
    /// Skia built without fontconfig may find no system font and draw no text; and a font picked by the
    /// machine makes the plots differ between machines. DejaVu Sans (Debian's fonts-dejavu-core) is used
    /// when installed, else whatever ScottPlot finds.
    /// </summary>
    static void EnsureFont()
    {
        lock (FontGate)
        {
            if (fontsChecked)
                return;
            fontsChecked = true;
            const string dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
            const string dejaVuBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
            if (!File.Exists(dejaVu))
                return;
            Fonts.AddFontFile("DejaVu Sans", dejaVu, bold: false, italic: false);
            if (File.Exists(dejaVuBold))
                Fonts.AddFontFile("DejaVu Sans", dejaVuBold, bold: true, italic: false);
            Fonts.Default = "DejaVu Sans";
        }
    }
}
