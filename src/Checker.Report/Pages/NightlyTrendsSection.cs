using System.Globalization;
using System.Text;
using Checker.Core.Checks;
using Checker.Report.Data;

namespace Checker.Report.Pages;

/// <summary>
/// The runs index's per-night view: for each test, a column per night (its worst verdict), and lines for
/// ok/s, p99 and the longest outage across nights, with the night the test went invalid marked and named.
/// Each line is scaled to its own range, printed beside it; every point carries its value as a tooltip.
/// </summary>
public static class NightlyTrendsSection
{
    const int Step = 16;

    public static void Write(TextWriter w, IReadOnlyList<TestTrend> trends)
    {
        w.Write(
            "<h2>Nights</h2>\n<table id=\"nights\"><tr><th>test</th><th>verdict per night, oldest to "
                + "newest</th><th>ok/s</th><th>p99 ms</th><th>longest outage s</th><th>went invalid</th></tr>\n"
        );
        foreach (var t in trends)
        {
            var first = t.FirstInvalidNight;
            var rate = Line(t.Nights, n => n.OkPerSecond, "#1f77b4", "0.0");
            var p99 = Line(t.Nights, n => n.P99Ms, "#ff7f0e", "0.0");
            var outage = Line(t.Nights, n => n.LongestOutageSeconds, "#9467bd", "0.00");
            var wentInvalid = first is null
                ? "never"
                : $"<a href=\"{Html.E(first.NewestRun)}/index.html\">{first.Night:yyyy-MM-dd}</a>";
            w.Write(
                $"<tr><td>{Html.E(t.Test)}</td><td>{Verdicts(t.Nights)}</td><td>{rate}</td><td>{p99}</td>"
                    + $"<td>{outage}</td><td class=\"went-invalid\">{wentInvalid}</td></tr>\n"
            );
        }
        if (trends.Count == 0)
            w.Write("<tr><td colspan=\"6\">no runs yet</td></tr>\n");
        w.Write("</table>\n");
    }

    static string Verdicts(IReadOnlyList<NightPoint> nights)
    {
        var svg = new StringBuilder(
            $"<svg width=\"{nights.Count * Step + 2}\" height=\"18\" role=\"img\" aria-label=\"verdict per night\">"
        );
        for (var i = 0; i < nights.Count; i++)
        {
            var n = nights[i];
            var colour = n.Verdict switch
            {
                Verdict.Valid => "#2ca02c",
                Verdict.Invalid => "#d62728",
                Verdict.Unknown => "#e6a100",
                _ => "#888",
            };
            var mark = n.WentInvalid ? " stroke=\"#000\" stroke-width=\"2\"" : "";
            svg.Append(
                $"<a href=\"{Html.E(n.NewestRun)}/index.html\"><rect x=\"{i * Step + 2}\" y=\"2\" "
                    + $"width=\"{Step - 4}\" height=\"14\" fill=\"{colour}\"{mark}>"
                    + $"<title>{n.Night:yyyy-MM-dd}: "
                    + $"{Html.E(n.Verdict?.ToString().ToLowerInvariant() ?? "no result")}, {n.Runs} "
                    + $"run(s){(n.WentInvalid ? ", went invalid" : "")}</title></rect></a>"
            );
        }
        return svg.Append("</svg>").ToString();
    }

    static string Line(IReadOnlyList<NightPoint> nights, Func<NightPoint, double?> figure, string colour, string format)
    {
        var points = nights
            .Select((n, i) => (i, n, V: figure(n)))
            .Where(p => p.V is not null)
            .Select(p => (p.i, p.n, V: p.V!.Value))
            .ToList();
        if (points.Count == 0)
            return "-";
        double lo = points.Min(p => p.V),
            hi = points.Max(p => p.V);
        var span = hi > lo ? hi - lo : 1;
        string Y(double v) => (20 - (v - lo) / span * 17).ToString("0.#", CultureInfo.InvariantCulture);
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        var coords = string.Join(" ", points.Select(p => $"{p.i * Step + Step / 2},{Y(p.V)}"));
        var dots = string.Concat(
            points.Select(p =>
                $"<circle cx=\"{p.i * Step + Step / 2}\" cy=\"{Y(p.V)}\" r=\"2.5\" "
                + $"fill=\"{colour}\"><title>{p.n.Night:yyyy-MM-dd}: {F(p.V)}</title></circle>"
            )
        );
        return $"<svg width=\"{nights.Count * Step + 2}\" height=\"23\" role=\"img\"><polyline "
            + $"points=\"{coords}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>{dots}</svg> "
            + $"<span class=\"note\">{F(lo)}–{F(hi)}</span>";
    }
}
