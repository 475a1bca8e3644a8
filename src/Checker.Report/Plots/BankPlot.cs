using Checker.Core.Workloads;
using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>
/// bank.png: the total of every ok read over time, the expected total as a line, the bad reads the checker
/// named marked in red. Money made or lost shows as points off the line.
/// </summary>
public static class BankPlot
{
    public const string FileName = "bank.png";

    public static bool HasAnomalies(BankReport r) => r.BadReads > 0;

    public static Plot Build(HistoryDigest d, BankReport r, ReportOptions options)
    {
        var plot = PlotKit.New(
            $"Bank: {r.BadReads:N0} of {r.Reads:N0} reads bad (expected total {r.ExpectedTotal:N0})",
            d.AxisLabel,
            "total of the balances read"
        );
        PlotKit.ShadeFaults(plot, d);
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var op in d.History)
            if (
                op.Type == Core.History.OpType.Ok
                && op.F == BankChecker.Read
                && BankChecker.TotalOf(op.Value) is { } total
            )
            {
                xs.Add(d.Axis(d.TimeOf(op)));
                ys.Add(total);
            }
        var stride = Math.Max(1, (int)Math.Ceiling(xs.Count / (double)options.MaxRawPoints));
        if (xs.Count > 0)
        {
            var reads = plot.Add.Markers(
                xs.Where((_, i) => i % stride == 0).ToArray(),
                ys.Where((_, i) => i % stride == 0).ToArray(),
                MarkerShape.FilledCircle,
                4,
                Color.FromHex(ReportColors.Ok).WithOpacity(0.5)
            );
            reads.LegendText = $"total of an ok read{(stride > 1 ? $" (every {stride}th of {xs.Count:N0})" : "")}";
        }
        var expected = plot.Add.HorizontalLine(r.ExpectedTotal, 2, Colors.Black.WithOpacity(0.7), LinePattern.Dashed);
        expected.LegendText = $"expected total {r.ExpectedTotal:N0}";
        if (r.FirstBadReads.Count > 0)
        {
            var bad = plot.Add.Markers(
                r.FirstBadReads.Select(b => ElementsPlot.X(d, b.Time, b.Index)).ToArray(),
                r.FirstBadReads.Select(b => (double)b.Total).ToArray(),
                MarkerShape.OpenCircle,
                11,
                Color.FromHex(ReportColors.Fail)
            );
            bad.MarkerLineWidth = 2.5f;
            var drawn = r.BadReads > r.FirstBadReads.Count ? $" ({r.FirstBadReads.Count:N0} drawn)" : "";
            bad.LegendText = $"bad read: {r.BadReads:N0}{drawn}";
        }
        PlotKit.Finish(plot, d);
        return plot;
    }
}
