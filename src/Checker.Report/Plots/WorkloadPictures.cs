using Checker.Core.Checks;
using Checker.Core.Workloads;
using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>A picture a workload checker's result calls for: its file, its heading on the run page, and how to draw
/// it.</summary>
/// <param name="Build">The plot and its height in pixels; a null plot when the history cannot give one.</param>
public sealed record WorkloadPicture(
    string File,
    string Title,
    Func<HistoryDigest, ReportOptions, (Plot? Plot, int Height)> Build
);

/// <summary>
/// The anomaly pictures of the set, queue, bank and mutex checkers: drawn only when a result names
/// something wrong (lost elements, bad totals, overlapping holders), from its details and the history.
/// </summary>
public static class WorkloadPictures
{
    /// <summary>Every file these pictures may write, so a regenerated report can drop stale ones.</summary>
    public static IReadOnlyList<string> Files { get; } =
    [ElementsPlot.SetFile, ElementsPlot.QueueFile, BankPlot.FileName, MutexPlot.FileName];

    public static List<WorkloadPicture> For(IReadOnlyList<CheckResult> results)
    {
        var pictures = new List<WorkloadPicture>();
        foreach (var r in results)
        {
            switch (r.Details)
            {
                case SetReport s when ElementsPlot.HasAnomalies(s):
                    pictures.Add(
                        new(ElementsPlot.SetFile, "Set elements over time", (d, o) =>
                            (ElementsPlot.Build(d, s, o), o.PlotHeight)
                        )
                    );
                    break;
                case QueueReport q when ElementsPlot.HasAnomalies(q):
                    pictures.Add(
                        new(ElementsPlot.QueueFile, "Queue elements over time", (d, o) =>
                            (ElementsPlot.Build(d, q, o), o.PlotHeight)
                        )
                    );
                    break;
                case BankReport b when BankPlot.HasAnomalies(b):
                    pictures.Add(
                        new(BankPlot.FileName, "Bank totals over time", (d, o) =>
                            (BankPlot.Build(d, b, o), o.PlotHeight)
                        )
                    );
                    break;
                case MutexReport m when MutexPlot.HasAnomalies(m):
                    pictures.Add(
                        new(MutexPlot.FileName, "Lock holders over time", (d, o) =>
                            (MutexPlot.Build(d, m, o), MutexPlot.Height(m, d, o))
                        )
                    );
                    break;
            }
        }
        return pictures;
    }
}
