using System.Globalization;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Report.Data;
using Checker.Report.Plots;

namespace Checker.Report.Pages;

/// <summary>
/// counterexample.html: why the history is not linearizable. The minimal set of ops that no order can
/// explain, the op that fails, the states the object could be in after the longest linearizable prefix,
/// and that prefix itself; every op links to where it is drawn in the timeline.
/// </summary>
public static class CounterexamplePage
{
    public const string FileName = "counterexample.html";

    public static void Write(
        string dir,
        HistoryDigest d,
        KeyFailure f,
        string summary,
        TimelineWindows windows,
        bool hasPicture,
        ReportOptions options
    )
    {
        Html.WriteFile(
            Path.Combine(dir, FileName),
            "Counterexample",
            w =>
            {
                w.Write("<h1>Not linearizable</h1>\n");
                w.Write($"<p><a href=\"index.html\">back to the run</a></p>\n<pre>{Html.E(summary)}</pre>\n");
                w.Write("<h2>The op that cannot be linearized</h2>\n");
                var onKey = f.Key is null ? "" : $" on key <code>{Html.V(f.Key)}</code>";
                w.Write($"<p>{OpText(d, f.Failed, windows)}{onKey}</p>\n");
                w.Write("<p>After the longest linearizable prefix");
                if (f.LastLinearized is { } last)
                    w.Write($" (its last op: {OpText(d, last, windows)})");
                w.Write(
                    ", the object could only be in "
                        + (f.States.Count == 1 ? "this state" : $"one of these {f.States.Count} states")
                        + ":</p>\n<ul>"
                );
                foreach (var s in f.States)
                    w.Write($"<li><code>{Html.E(s)}</code></li>");
                w.Write("</ul>\n");

                w.Write($"<h2>{Html.E(char.ToUpperInvariant(f.Counterexample[0]) + f.Counterexample[1..])}</h2>\n");
                w.Write(
                    "<p class=\"note\">No order of these ops is legal, even letting every other op of the history "
                        + "take effect or not. "
                        + (f.MinimalIsMinimal ? "" : "<b>Not minimal: a smaller set may exist.</b> ")
                        + "</p>\n"
                );
                if (f.MinimalStartsFrom.Count > 0)
                    w.Write(
                        "<p>These ops start from "
                            + (f.MinimalStartsFrom.Count == 1 ? "the state " : "any of the states ")
                            + string.Join(", ", f.MinimalStartsFrom.Select(s => $"<code>{Html.E(s)}</code>"))
                            + (
                                f.MinimalStartsAfter is { } after
                                    ? $", what the history allows after {OpText(d, after, windows)}"
                                    : ", the initial state"
                            )
                            + ".</p>\n"
                    );
                if (hasPicture)
                    w.Write(
                        $"<img class=\"plot\" src=\"{AnomalyPlot.FileName}\" alt=\"the minimal counterexample "
                            + $"drawn as process lanes over time\">\n"
                    );
                WriteTable(w, d, f.Minimal, f.Failed.InvokeIndex, windows);

                w.Write($"<h2>Longest linearizable prefix: {f.Prefix.Count} ops, in the order they took effect</h2>\n");
                var skip = Math.Max(0, f.Prefix.Count - options.MaxPrefixRows);
                if (skip > 0)
                    w.Write(
                        $"<p class=\"note\">The first {skip:N0} are left out; these are the "
                            + $"{options.MaxPrefixRows:N0} nearest the failure.</p>\n"
                    );
                WriteTable(w, d, f.Prefix.Skip(skip).ToList(), f.Failed.InvokeIndex, windows, skip);
            },
            ".failedrow td{background:#fde0e0;font-weight:bold}"
        );
    }

    static void WriteTable(
        TextWriter w,
        HistoryDigest d,
        IReadOnlyList<OpView> ops,
        long failedIndex,
        TimelineWindows windows,
        int numberFrom = 0
    )
    {
        w.Write(
            "<table><tr><th>#</th><th>op</th><th>process</th><th>f</th><th>key</th><th>input</th><th>output</th>"
                + "<th>called</th><th>returned</th><th>line</th></tr>\n"
        );
        for (var i = 0; i < ops.Count; i++)
        {
            var o = ops[i];
            w.Write(o.InvokeIndex == failedIndex ? "<tr class=\"failedrow\">" : "<tr>");
            w.Write(
                $"<td class=\"num\">{numberFrom + i + 1}</td><td>{Link(o.InvokeIndex, windows)}"
                    + $"{(o.CompletionIndex is { } c ? ".." + Link(c, windows) : "")}</td>"
            );
            w.Write(
                $"<td class=\"num\">{o.Process}</td><td>{Html.E(o.F)}</td>"
                    + $"<td>{(o.Key is null ? "" : Html.V(o.Key))}</td>"
            );
            w.Write(
                $"<td><code>{Html.V(o.Input)}</code></td>"
                    + $"<td><code>{(o.Crashed ? "? (crashed)" : Html.V(o.Output))}</code></td>"
            );
            w.Write(
                $"<td class=\"num\">{When(d, o.Call)}</td><td "
                    + $"class=\"num\">{(o.Return is { } r ? When(d, r) : "never")}</td>"
            );
            w.Write(
                $"<td class=\"num\">{(o.Line > 0 ? o.Line.ToString(CultureInfo.InvariantCulture) : "")}</td></tr>\n"
            );
        }
        w.Write("</table>\n");
    }

    static string OpText(HistoryDigest d, OpView o, TimelineWindows windows) =>
        $"process {o.Process} <code>{Html.E(AnomalyPlot.Describe(o))}</code> (op "
        + $"{Link(o.InvokeIndex, windows)}{(o.Line > 0 ? $", line {o.Line}" : "")})";

    static string Link(long index, TimelineWindows windows) =>
        windows.Link(index) is { } href
            ? $"<a href=\"{Html.E(href)}\">{index}</a>"
            : index.ToString(CultureInfo.InvariantCulture);

    static string When(HistoryDigest d, long t) => d.Timed ? d.When(t) : t.ToString(CultureInfo.InvariantCulture);
}
