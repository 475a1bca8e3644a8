using System.Globalization;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Report.Data;
using Checker.Report.Plots;

namespace Checker.Report.Pages;

/// <summary>
/// timeline.html: one column per process, history order running down the page, each op a box from its
/// invoke to its completion coloured by outcome; nemesis windows as bands across all columns; hover for
/// details; every op addressable as #op-INDEX (its invoke's and its completion's index).
/// </summary>
public static class TimelinePage
{
    const int RowPx = 12; // vertical pixels per history record
    const int LaneWidth = 150;
    const int MaxProcessLanes = 64; // past this (Jepsen renumbers crashed processes) lanes are reused

    /// <summary>Writes one window's page into dir under the window's file name.</summary>
    public static void WriteWindow(
        string dir,
        HistoryDigest d,
        TimelineWindows windows,
        TimelineWindows.Window window,
        KeyFailure? failure
    )
    {
        var path = Path.Combine(dir, window.File);
        var h = d.History;
        var ops = OpsIn(d, windows, window);
        var lanes = AssignLanes(ops, windows);
        var laneCount = lanes.Values.DefaultIfEmpty(0).Max() + 1;
        var counterexample = failure?.Minimal.Select(o => o.InvokeIndex).ToHashSet() ?? [];
        var failed = failure?.Failed.InvokeIndex;
        var height = (window.To - window.From + 1) * RowPx;
        int Y(int position) => (position - window.From) * RowPx;

        var css =
            string.Concat(Enumerable.Range(0, laneCount + 1).Select(i => $".l{i}{{left:{i * LaneWidth}px}}"))
            + TimelineCss;
        Html.WriteFile(
            path,
            "Timeline",
            w =>
            {
                w.Write("<h1>Timeline</h1>\n<p class=\"note\">");
                w.Write(
                    window.From == 0 && window.To == windows.Records
                        ? $"All {windows.Records:N0} records. "
                        : $"This page shows {Html.E(window.Why)}: records {window.From:N0} to {window.To - 1:N0} "
                            + $"of {windows.Records:N0}. The whole history is in history.jsonl. "
                );
                foreach (var other in windows.All.Where(o => o != window))
                    w.Write($"See also <a href=\"{Html.E(other.File)}\">{Html.E(other.Why)}</a>. ");
                w.Write(
                    "History order runs down the page; hover over an op for its details; <a "
                        + "href=\"index.html\">back to the run</a>.</p>\n"
                );
                WriteLegend(w, d, failure is not null);
                // The lane headers sit in a row of their own that sticks to the top of the window while the page
                // scrolls.
                w.Write(
                    $"<div class=\"hdrow\" style=\"width:{(laneCount + 1) * LaneWidth}px\"><div class=\"hd "
                        + $"l0\">nemesis</div>"
                );
                foreach (var (process, lane) in LaneTitles(ops, lanes))
                    w.Write($"<div class=\"hd l{lane + 1}\">{Html.E(process)}</div>");
                w.Write("</div>\n");
                w.Write($"<div class=\"tl\" style=\"height:{height}px;width:{(laneCount + 1) * LaneWidth}px\">\n");
                foreach (var f in d.Faults)
                    WriteBand(w, d, windows, window, f, laneCount, Y);
                for (var p = window.From; p < window.To; p++)
                {
                    var op = h[p];
                    if (!op.IsNemesis)
                        continue;
                    w.Write(
                        $"<div class=\"op nem l0\" id=\"op-{op.Index}\" "
                            + $"style=\"top:{Y(p)}px;height:{RowPx - 1}px\" "
                            + $"title=\"{Html.E(NemesisDetails(d, op))}\">{Html.E(op.F)} {Html.V(op.Value)}</div>\n"
                    );
                }
                foreach (var (o, at) in ops)
                {
                    var end = o.Pending ? window.To : windows.PositionOf(o.CompletionIndex) ?? window.To;
                    end = Math.Min(end, window.To);
                    var cls =
                        o.Outcome.ToString().ToLowerInvariant()
                        + (counterexample.Contains(o.InvokeIndex) ? " cx" : "")
                        + (o.InvokeIndex == failed ? " failed" : "");
                    var top = Y(at);
                    var boxHeight = Math.Max(RowPx - 1, (end - at + 1) * RowPx - 2);
                    var invoke = h[at];
                    var completion =
                        o.Pending ? null
                        : end < window.To ? h[end]
                        : null;
                    w.Write(
                        $"<div class=\"op {cls} l{lanes[o.InvokeIndex] + 1}\" id=\"op-{o.InvokeIndex}\" "
                            + $"style=\"top:{top}px;height:{boxHeight}px\" "
                            + $"title=\"{Html.E(Details(d, o, invoke, completion))}\">"
                    );
                    w.Write($"{Html.E(Label(o, invoke, completion))}</div>\n");
                    // The completion's own index is an anchor too, at the row where it happened.
                    if (!o.Pending && end < window.To)
                        w.Write(
                            $"<a class=\"cmp l{lanes[o.InvokeIndex] + 1}\" id=\"op-{o.CompletionIndex}\" "
                                + $"style=\"top:{Y(end)}px\"></a>\n"
                        );
                }
                w.Write("</div>\n<div id=\"detail\"></div>\n");
            },
            css,
            TimelineScript
        );
    }

    /// <summary>Client ops whose invoke falls in the window, with the invoke's position.</summary>
    static List<(ClientOp Op, int At)> OpsIn(HistoryDigest d, TimelineWindows windows, TimelineWindows.Window window)
    {
        var result = new List<(ClientOp, int)>();
        if (window.To <= window.From)
            return result;
        long first = d.History[window.From].Index,
            last = d.History[window.To - 1].Index;
        foreach (var o in d.Ops)
        {
            if (o.InvokeIndex < first || o.InvokeIndex > last)
                continue;
            if (windows.PositionOf(o.InvokeIndex) is { } at && at >= window.From && at < window.To)
                result.Add((o, at));
        }
        return result;
    }

    /// <summary>
    /// A column per process when there are few; otherwise (Jepsen gives a crashed client a new process
    /// number) each op takes the leftmost column free at its invoke, so the page stays a sane width.
    /// </summary>
    static Dictionary<long, int> AssignLanes(List<(ClientOp Op, int At)> ops, TimelineWindows windows)
    {
        var processes = ops.Select(o => o.Op.Process).Distinct().Order().ToList();
        if (processes.Count <= MaxProcessLanes)
        {
            var laneOf = processes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
            return ops.ToDictionary(o => o.Op.InvokeIndex, o => laneOf[o.Op.Process]);
        }
        var freeAt = new List<int>(); // per lane: the position after which it is free
        var lanes = new Dictionary<long, int>();
        foreach (var (o, at) in ops)
        {
            var end = o.Pending ? int.MaxValue : windows.PositionOf(o.CompletionIndex) ?? int.MaxValue;
            var lane = freeAt.FindIndex(f => f < at);
            if (lane < 0)
            {
                lane = freeAt.Count;
                freeAt.Add(end);
            }
            else
                freeAt[lane] = end;
            lanes[o.InvokeIndex] = lane;
        }
        return lanes;
    }

    static IEnumerable<(string Title, int Lane)> LaneTitles(
        List<(ClientOp Op, int At)> ops,
        Dictionary<long, int> lanes
    )
    {
        var byLane = ops.GroupBy(o => lanes[o.Op.InvokeIndex]).OrderBy(g => g.Key);
        foreach (var g in byLane)
        {
            var processes = g.Select(o => o.Op.Process).Distinct().ToList();
            yield return (processes.Count == 1 ? $"process {processes[0]}" : $"lane {g.Key} (processes vary)", g.Key);
        }
    }

    static void WriteBand(
        TextWriter w,
        HistoryDigest d,
        TimelineWindows windows,
        TimelineWindows.Window window,
        FaultWindow f,
        int laneCount,
        Func<int, int> y
    )
    {
        var from = FirstAtOrAfter(d, window, f.Start);
        var to = f.Healed ? FirstAtOrAfter(d, window, f.End) : window.To;
        if (to <= window.From || from >= window.To || to < from)
            return;
        var (r, g, b) = Rgb(ReportColors.FaultHex(f.Kind));
        var title = $"nemesis: {f.Kind}{(f.Healed ? "" : " (never healed)")} {f.Description}";
        var height = Math.Max(RowPx, (to - from) * RowPx);
        var style =
            $"top:{y(from)}px;height:{height}px;width:{(laneCount + 1) * LaneWidth}px;"
            + $"background:rgba({r},{g},{b},0.18);border-left:6px solid rgb({r},{g},{b})";
        w.Write($"<div class=\"band\" style=\"{style}\" title=\"{Html.E(title)}\"></div>\n");
    }

    /// <summary>The first record in the window at or after a history time; times ascend with the index.</summary>
    static int FirstAtOrAfter(HistoryDigest d, TimelineWindows.Window window, long time)
    {
        int lo = window.From,
            hi = window.To;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (d.TimeOf(d.History[mid]) < time)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    static void WriteLegend(TextWriter w, HistoryDigest d, bool invalid)
    {
        w.Write("<p class=\"legend\">");
        w.Write($"<span class=\"op-key\" style=\"background:{ReportColors.Ok}\"></span>ok ");
        w.Write($"<span class=\"op-key\" style=\"background:{ReportColors.Fail}\"></span>fail ");
        w.Write(
            $"<span class=\"op-key\" style=\"background:{ReportColors.Info}\"></span>info (may or may not have "
                + $"happened) "
        );
        foreach (var kind in d.Faults.Select(f => f.Kind).Distinct())
            w.Write(
                $"<span class=\"op-key\" "
                    + $"style=\"background:{ReportColors.FaultHex(kind)};opacity:.5\"></span>nemesis: {Html.E(kind)} "
            );
        if (invalid)
            w.Write("<span class=\"op-key cxkey\"></span>in the minimal counterexample ");
        w.Write("</p>\n");
    }

    static string Details(HistoryDigest d, ClientOp o, Op invoke, Op? completion)
    {
        var lines = new List<string>
        {
            $"op {o.InvokeIndex}{(o.Pending ? "" : $"..{o.CompletionIndex}")}"
                + (invoke.Line > 0 ? $" (line {invoke.Line})" : ""),
            $"process {o.Process}: {o.F} {Clip(Values.Format(invoke.Value))}"
                + (invoke.Key is null ? "" : $" key {Clip(Values.Format(invoke.Key))}"),
            $"invoked at {When(d, o.Invoked)}",
        };
        if (o.Pending)
            lines.Add("never completed");
        else
        {
            lines.Add(
                $"{o.Outcome.ToString().ToLowerInvariant()} at {When(d, o.Completed)} after "
                    + $"{PlotKit.Duration(d.Latency(o)!.Value, d.LatencyUnit)}{(d.Timed ? "" : " records")}"
            );
            if (completion is not null)
                lines.Add($"result: {Clip(Values.Format(completion.Value))}");
            if (completion?.Error is { } e)
                lines.Add($"error: {Clip(e)}");
        }
        return string.Join("\n", lines);
    }

    static string NemesisDetails(HistoryDigest d, Op op) =>
        $"op {op.Index}: nemesis {op.Type.ToString().ToLowerInvariant()} {op.F} "
        + $"{Clip(Values.Format(op.Value))}\nat {When(d, d.TimeOf(op))}";

    static string When(HistoryDigest d, long time) => d.When(time);

    static string Short(object? value) => Clip(Values.Format(value), 24);

    /// <summary>
    /// "k1 write 3", "k1 read → nil", "cas [1 2] → [1 2]", "read → ?" (never completed or info): the key,
    /// the op, what it asked for (a read asks for nothing) and what an ok completion returned, nil included.
    /// </summary>
    internal static string Label(ClientOp o, Op invoke, Op? completion)
    {
        var key = invoke.Key is null ? "" : Short(invoke.Key) + " ";
        var input = invoke.Value is null && o.F is "read" or "get" ? "" : " " + Short(invoke.Value);
        var output = completion switch
        {
            // a write returns what it wrote
            { Type: OpType.Ok } c when o.F == "write" && Values.Same(c.Value, invoke.Value) => "",
            { Type: OpType.Ok } c => " → " + Short(c.Value),
            { Type: OpType.Fail } => " ✗",
            _ when o.Outcome == Outcome.Info || o.Pending => " → ?",
            _ => "",
        };
        return key + o.F + input + output;
    }

    static string Clip(string s, int max = 400) => s.Length <= max ? s : s[..max] + "…";

    static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    /// <summary>An op's box: its lane's width less the gap between lanes.</summary>
    const int OpWidth = LaneWidth - 6;

    static readonly string TimelineCss = $$"""
        .tl{position:relative;font-size:11px}
        .hdrow{position:sticky;top:0;height:1.8em;background:#fff;border-bottom:1px solid #ccc;z-index:8}
        .hd{position:absolute;top:.3em;width:{{LaneWidth - 4}}px;font-weight:bold;font-size:12px}
        .op{position:absolute;width:{{OpWidth}}px;box-sizing:border-box;border-radius:3px;padding:0 3px;overflow:hidden;
          white-space:nowrap;line-height:11px;color:#fff;z-index:2;cursor:default}
        .op.ok{background:{{ReportColors.Ok}}}.op.fail{background:{{ReportColors.Fail}}}
        .op.info{background:{{ReportColors.Info}}}.op.nem{background:#555}.op.cx{outline:3px solid #000;z-index:4}
        .op.failed{outline:4px solid {{ReportColors.Fail}};box-shadow:0 0 0 7px #000}
        .op:target{outline:4px solid #ff0;box-shadow:0 0 0 7px #000;z-index:5}
        .cmp{position:absolute;width:0;height:0}
        .band{position:absolute;left:0;z-index:1}
        .legend .op-key{display:inline-block;width:1.2em;height:.9em;margin:0 .3em 0 .8em;vertical-align:middle;
          border-radius:2px}
        .legend .cxkey{outline:3px solid #000;background:#fff}
        #detail{position:fixed;right:1em;bottom:1em;max-width:40em;background:#fffbe6;border:1px solid #caa;
          padding:.5em .8em;white-space:pre-wrap;font-family:"DejaVu Sans Mono",monospace;font-size:12px;display:none;
          z-index:10}
        """;

    // Shows the hovered op's details in a fixed panel (the title tooltip is slow and easy to lose).
    const string TimelineScript = """
        (function () {
          var panel = document.getElementById('detail');
          var tl = document.querySelector('.tl');
          if (!panel || !tl) return;
          // Open at the anomaly: the op that cannot be linearized, unless the link names another op.
          var failed = document.querySelector('.op.failed');
          if (!location.hash && failed) failed.scrollIntoView({ block: 'center', inline: 'nearest' });
          tl.addEventListener('mouseover', function (e) {
            var box = e.target.closest ? e.target.closest('[title]') : null;
            if (!box) return;
            panel.textContent = box.getAttribute('title');
            panel.style.display = 'block';
          });
        })();
        """;
}
