using System.Globalization;
using Checker.Core.Checks;
using Checker.Report.Data;

namespace Checker.Report.Pages;

/// <summary>index.html of one run: the verdicts first (what a person opens the page for), then links, figures and
/// plots.</summary>
public static class RunPage
{
    public const string FileName = "index.html";

    /// <summary>Files the runner leaves in a run folder, linked when present.</summary>
    static readonly (string File, string What)[] RunFiles =
    [
        ("history.jsonl", "the history, one op per line"),
        ("results.json", "every checker's verdict and details"),
        ("spec.json", "the test's resolved spec"),
        ("runner.log", "the runner's log"),
        ("nodes", "the nodes' logs"),
    ];

    public sealed record Artifacts(
        IReadOnlyList<(string File, string Title)> Plots,
        IReadOnlyList<TimelineWindows.Window> Timelines,
        bool Counterexample
    );

    public static void Write(
        string dir,
        HistoryDigest d,
        IReadOnlyList<CheckResult> results,
        Verdict verdict,
        Artifacts artifacts,
        ReportOptions options
    )
    {
        var title = options.Title ?? "Checker run";
        Html.WriteFile(Path.Combine(dir, FileName), title, w =>
        {
            w.Write($"<h1>{Html.Badge(verdict)} {Html.E(title)}</h1>\n");
            if (options.Note is { } note)
                w.Write($"<p class=\"note\">{Html.E(note)}</p>\n");
            w.Write("<table class=\"verdicts\"><tr><th>checker</th><th>verdict</th><th>summary</th></tr>\n");
            foreach (var r in results)
                w.Write(
                    $"<tr><td>{Html.E(r.Checker)}</td><td>{Html.Badge(r.Verdict)}</td>"
                        + $"<td><pre>{Html.E(r.Summary)}</pre></td></tr>\n"
                );
            if (results.Count == 0)
                w.Write("<tr><td colspan=\"3\">no checker results</td></tr>\n");
            w.Write("</table>\n");

            w.Write("<h2>Pages and files</h2>\n<ul>\n");
            if (artifacts.Counterexample)
                w.Write(
                    $"<li><a href=\"{CounterexamplePage.FileName}\">counterexample</a>: why the history is not "
                        + $"linearizable</li>\n"
                );
            foreach (var t in artifacts.Timelines)
                w.Write($"<li><a href=\"{Html.E(t.File)}\">timeline</a>: {Html.E(t.Why)}</li>\n");
            foreach (var (file, what) in RunFiles)
                if (File.Exists(Path.Combine(dir, file)) || Directory.Exists(Path.Combine(dir, file)))
                    w.Write($"<li><a href=\"{Html.E(file)}\">{Html.E(file)}</a>: {Html.E(what)}</li>\n");
            foreach (var dump in ThreadDumps(dir))
                w.Write(
                    $"<li><a href=\"{Html.E(dump)}\">{Html.E(dump)}</a>: what every thread of that node's server "
                        + $"was doing while writes stalled</li>\n"
                );
            w.Write("</ul>\n");

            WriteCounts(w, d, results);
            foreach (var (file, plotTitle) in artifacts.Plots)
                w.Write(
                    $"<h2>{Html.E(plotTitle)}</h2>\n<a href=\"{Html.E(file)}\"><img class=\"plot\" "
                        + $"src=\"{Html.E(file)}\" alt=\"{Html.E(plotTitle)}\"></a>\n"
                );
        });
    }

    /// <summary>The thread dumps a run took during write stalls (nodes/NODE/threads-N.txt), relative to the run
    /// folder.</summary>
    static IEnumerable<string> ThreadDumps(string dir) =>
        Directory.Exists(Path.Combine(dir, "nodes"))
            ? Directory
                .GetFiles(Path.Combine(dir, "nodes"), "threads-*.txt", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
            : [];

    /// <summary>Op counts and latency per f: the stats checker's figures when it ran, else counted from the
    /// history.</summary>
    static void WriteCounts(TextWriter w, HistoryDigest d, IReadOnlyList<CheckResult> results)
    {
        w.Write(
            $"<h2>Operations</h2>\n<p class=\"note\">{d.History.Count:N0} history records, {d.Ops.Count:N0} "
                + "client operations"
                + (
                    d.Timed
                        ? $" over {d.AxisEnd.ToString("0.0", CultureInfo.InvariantCulture)} s"
                        : "; the history has no times"
                )
                + ", "
                + (
                    d.Faults.Count == 0
                        ? "no nemesis windows.</p>\n"
                        : $"{d.Faults.Count} nemesis windows "
                            + $"({Html.E(string.Join(", ", d.Faults.Select(f => f.Kind).Distinct()))}).</p>\n"
                )
        );
        var stats = results.Select(r => (r.Details as StatsReport)?.ByF ?? []).FirstOrDefault(s => s.Count > 0);
        if (stats is null)
            return;
        static string Ms(double? v) => v is { } x ? x.ToString("0.##", CultureInfo.InvariantCulture) : "";
        w.Write(
            "<table><tr><th>f</th><th>ok</th><th>fail</th><th>info</th><th>pending</th><th>ok/s</th><th>p50 "
                + "ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n"
        );
        foreach (var s in stats)
            w.Write(
                $"<tr><td>{Html.E(s.F)}</td><td class=\"num\">{s.Ok:N0}</td><td class=\"num\">{s.Fail:N0}</td><td "
                    + $"class=\"num\">{s.Info:N0}</td><td class=\"num\">{s.Pending:N0}</td>"
                    + $"<td class=\"num\">{s.OkPerSecond.ToString("0.#", CultureInfo.InvariantCulture)}</td><td "
                    + $"class=\"num\">{Ms(s.LatencyP50Ms)}</td><td class=\"num\">{Ms(s.LatencyP95Ms)}</td>"
                    + $"<td class=\"num\">{Ms(s.LatencyP99Ms)}</td><td class=\"num\">{Ms(s.LatencyMaxMs)}</td></tr>\n"
            );
        w.Write("</table>\n");
    }
}
