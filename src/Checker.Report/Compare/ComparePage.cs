using Checker.Report.Pages;

namespace Checker.Report.Compare;

/// <summary>compare.html: the comparison table (changes beyond noise marked, with the rule), both runs' links, and the
/// overlaid plots.</summary>
public static class ComparePage
{
    public const string FileName = "compare.html";

    /// <summary>Writes compare.html and its plots into outDir; returns the page's path.</summary>
    public static string Write(RunComparison c, string outDir, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        Directory.CreateDirectory(outDir);
        var plots = c.HistoryA is { } a && c.HistoryB is { } b;
        if (plots)
            ComparePlots.Write(outDir, c.HistoryA!, c.HistoryB!, options);
        var path = Path.Combine(outDir, FileName);
        Html.WriteFile(
            path,
            $"Compare {c.A.Name} and {c.B.Name}",
            w =>
            {
                w.Write(
                    $"<h1>{Html.E(c.A.Test ?? "?")} {Html.E(c.A.Name)} vs {Html.E(c.B.Test ?? "?")} "
                        + $"{Html.E(c.B.Name)}</h1>\n"
                );
                w.Write("<table><tr><th></th><th>run</th><th>verdict</th><th>folder</th></tr>\n");
                foreach (var (label, run) in new[] { ("A", c.A), ("B", c.B) })
                {
                    var rel = Path.GetRelativePath(outDir, run.Dir).Replace('\\', '/');
                    var report = File.Exists(Path.Combine(run.Dir, "index.html"))
                        ? $" (<a href=\"{Html.E(rel)}/index.html\">report</a>)"
                        : "";
                    w.Write(
                        $"<tr><td>{label}</td><td>{Html.E(run.Name)}</td><td>{Html.Badge(run.Verdict)}</td>"
                            + $"<td><code>{Html.E(run.Dir)}</code>{report}</td></tr>\n"
                    );
                }
                w.Write("</table>\n");
                if (c.ConditionDifferences.Count > 0)
                {
                    w.Write("<div class=\"conditions-warning\" id=\"conditions-warning\">");
                    if (c.ConditionsDiffer)
                        w.Write(
                            $"<p><b>The runs’ conditions differ.</b> {Html.E(RunComparison.ConditionsWarning)}</p>"
                        );
                    w.Write("<ul>");
                    foreach (var d in c.ConditionDifferences)
                        w.Write($"<li>{Html.E(d)}</li>");
                    w.Write("</ul></div>\n");
                }
                w.Write(
                    "<h2>Figures</h2>\n<table id=\"figures\"><tr><th>section</th><th>figure</th><th>A</th><th>B</th>"
                        + "<th>B − A</th><th>beyond noise</th></tr>\n"
                );
                foreach (var r in c.Rows)
                    w.Write(
                        $"<tr class=\"{(r.Doubtful ? "doubtful" : r.Marked ? "marked" : "")}\">"
                            + $"<td>{Html.E(r.Section)}</td><td>{Html.E(r.Figure)}</td>"
                            + $"<td class=\"num\"><pre>{Html.E(r.A)}</pre></td>"
                            + $"<td class=\"num\"><pre>{Html.E(r.B)}</pre></td>"
                            + $"<td class=\"num\">{Html.E(r.Change)}</td><td>{Judgement(r)}</td></tr>\n"
                    );
                w.Write($"</table>\n<p class=\"note\">{Html.E(Noise.Rule)} {Html.E(Conditions.Rule)}</p>\n");
                if (plots)
                {
                    w.Write("<h2>Latency</h2>\n");
                    w.Write(
                        $"<img class=\"plot\" src=\"{ComparePlots.LatencyFile}\" alt=\"p50 and p99 latency of "
                            + $"runs A and B over time\">\n"
                    );
                    w.Write("<h2>Throughput</h2>\n");
                    w.Write(
                        $"<img class=\"plot\" src=\"{ComparePlots.ThroughputFile}\" alt=\"ok operations per "
                            + $"second of runs A and B over time\">\n"
                    );
                }
                else
                    w.Write("<p class=\"note\">No plots: a run folder has no history.jsonl.</p>\n");
            },
            extraCss: "tr.marked td{background:#fff3cd}tr.doubtful td{background:#eef}"
                + ".conditions-warning{border:2px solid #e6a100;background:#fff8e1;padding:4px 12px;margin:8px 0}"
        );
        return path;
    }

    static string Judgement(ComparisonRow r) =>
        r.Mark switch
        {
            "*" => "<b>changed</b>",
            "?" => "<b>changed</b>, under different conditions (may be the machine)",
            "!" => "<b>differs</b>",
            _ => "",
        };
}
