using System.Globalization;
using System.Text;
using Checker.Core.Checks;

namespace Checker.Report.Pages;

/// <summary>The nightly view: per test a small trend (verdict per run, p99 line), then every run newest
/// first.</summary>
public static class RunsIndexPage
{
    const int TrendRuns = 30;

    public static void Write(string path, IReadOnlyList<RunEntry> runs)
    {
        Html.WriteFile(
            path,
            "Checker results",
            w =>
            {
                w.Write(
                    $"<h1>Checker results</h1>\n<p class=\"note\">{runs.Count} runs of "
                        + $"{runs.Select(r => r.Test).Distinct().Count()} tests, newest first. Generated "
                        + $"{DateTime.Now:yyyy-MM-dd HH:mm}.</p>\n"
                );
                w.Write(
                    "<h2>Trends</h2>\n<table><tr><th>test</th><th>latest</th><th>verdicts, oldest to newest (last "
                        + TrendRuns
                        + ")</th><th>p99 latency</th></tr>\n"
                );
                foreach (var test in runs.GroupBy(r => r.Test).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var recent = test.Take(TrendRuns).Reverse().ToList();
                    var verdict = Html.Badge(test.First().Summary.Verdict);
                    w.Write(
                        $"<tr><td>{Html.E(test.Key)}</td><td>{verdict}</td><td>{Trend(recent)}</td>"
                            + $"<td>{P99Line(recent)}</td></tr>\n"
                    );
                }
                w.Write("</table>\n");
                NightlyTrendsSection.Write(
                    w,
                    Data.NightlyTrends.Of(Path.GetDirectoryName(Path.GetFullPath(path))!, runs)
                );
                w.Write("<h2>Runs</h2>\n");
                w.Write(
                    "<table><tr><th>started</th><th>test</th><th>run</th><th>settings</th><th>verdict</th>"
                        + "<th>checks</th><th>duration</th><th>ok</th><th>fail</th><th>info</th><th>p99 ms</th></tr>\n"
                );
                foreach (var r in runs)
                {
                    var s = r.Summary;
                    var href = r.HasReport ? $"{r.RelativeDir}/index.html" : $"{r.RelativeDir}/";
                    var checks = string.Join(
                        " ",
                        s.Checks.Select(c => $"<span class=\"chk {Html.VerdictClass(c.Value)}\">{Html.E(c.Key)}</span>")
                    );
                    var settings = string.Join(
                        " ",
                        r.Settings.OrderBy(s => s.Key, StringComparer.Ordinal)
                            .Select(s => $"<code>--{Html.E(s.Key)} {Html.E(s.Value)}</code>")
                    );
                    var incomplete = s.Incomplete ? " <span class=\"badge none\">INCOMPLETE</span>" : "";
                    var p99 = s.P99Ms is { } p ? p.ToString("0.##", CultureInfo.InvariantCulture) : "";
                    w.Write(
                        $"<tr><td>{r.Started:yyyy-MM-dd HH:mm:ss}</td><td>{Html.E(r.Test)}</td>"
                            + $"<td><a href=\"{Html.E(href)}\">{Html.E(r.Run)}</a></td>"
                            + $"<td class=\"settings\">{settings}</td>"
                            + $"<td>{Html.Badge(s.Verdict)}{incomplete}</td><td>{checks}</td>"
                            + $"<td class=\"num\">{Duration(s.Seconds)}</td>"
                            + $"<td class=\"num\">{s.Ok:N0}</td><td class=\"num\">{s.Fail:N0}</td>"
                            + $"<td class=\"num\">{s.Info:N0}</td><td class=\"num\">{p99}</td></tr>\n"
                    );
                }
                if (runs.Count == 0)
                    w.Write("<tr><td colspan=\"11\">no runs yet</td></tr>\n");
                w.Write("</table>\n");
            },
            ".chk{font-size:.8em;padding:1px 5px;border-radius:3px;margin-right:3px;color:#fff}"
                + ".chk.valid{background:#2ca02c}.chk.invalid{background:#d62728}.chk.unknown{background:#e6a100}"
        );
    }

    static string Duration(double? seconds) =>
        seconds switch
        {
            null => "",
            >= 3600 => $"{seconds / 3600:0.0} h",
            >= 60 => $"{seconds / 60:0.0} min",
            _ => $"{seconds:0.0} s",
        };

    /// <summary>A square per run coloured by verdict, each linking to its run and titled with its time.</summary>
    static string Trend(List<RunEntry> runs)
    {
        var svg = new StringBuilder(
            $"<svg width=\"{runs.Count * 12 + 2}\" height=\"14\" role=\"img\" aria-label=\"verdicts\">"
        );
        for (var i = 0; i < runs.Count; i++)
        {
            var colour = runs[i].Summary.Verdict switch
            {
                Verdict.Valid => "#2ca02c",
                Verdict.Invalid => "#d62728",
                Verdict.Unknown => "#e6a100",
                _ => "#888",
            };
            svg.Append(
                $"<a href=\"{Html.E(runs[i].RelativeDir)}/index.html\"><rect x=\"{i * 12 + 1}\" y=\"1\" "
                    + $"width=\"10\" height=\"12\" fill=\"{colour}\">"
                    + $"<title>{Html.E(runs[i].Run)}: "
                    + $"{Html.E(runs[i].Summary.Verdict?.ToString() ?? "no result")}</title></rect></a>"
            );
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>p99 latency per run as a sparkline scaled to the test's own range, with the range printed beside
    /// it.</summary>
    static string P99Line(List<RunEntry> runs)
    {
        var points = runs.Select((r, i) => (i, r.Summary.P99Ms))
            .Where(p => p.P99Ms is not null)
            .Select(p => (p.i, V: p.P99Ms!.Value))
            .ToList();
        if (points.Count == 0)
            return "";
        double lo = points.Min(p => p.V),
            hi = points.Max(p => p.V);
        var span = hi > lo ? hi - lo : 1;
        var coords = string.Join(
            " ",
            points.Select(p =>
                $"{p.i * 12 + 6},{(18 - (p.V - lo) / span * 16).ToString("0.#", CultureInfo.InvariantCulture)}"
            )
        );
        var dots = string.Concat(
            points.Select(p =>
                $"<circle cx=\"{p.i * 12 + 6}\" "
                + $"cy=\"{(18 - (p.V - lo) / span * 16).ToString("0.#", CultureInfo.InvariantCulture)}\" r=\"2\" "
                + $"fill=\"#1f77b4\"><title>{p.V.ToString("0.##", CultureInfo.InvariantCulture)} ms</title></circle>"
            )
        );
        static string Ms(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        return $"<svg width=\"{runs.Count * 12 + 2}\" height=\"20\" role=\"img\" aria-label=\"p99 latency\">"
            + $"<polyline points=\"{coords}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>{dots}</svg> "
            + $"<span class=\"note\">{Ms(lo)}–{Ms(hi)} ms</span>";
    }
}
