using System.Globalization;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Report.Data;

namespace Checker.Report.Compare;

/// <summary>One line of the comparison: a figure for run A and run B, and whether the change is beyond noise.</summary>
public sealed record ComparisonRow(string Section, string Figure, string A, string B, string Change, bool Marked)
{
    /// <summary>Beyond noise, but the runs' conditions differ: it may be the machine, not the build.</summary>
    public bool Doubtful { get; init; }

    /// <summary>
    /// The table's mark: '*' beyond noise, '?' beyond noise under different conditions, '!' a condition that differs.
    /// </summary>
    public string Mark =>
        !Marked ? ""
        : Section == RunComparison.ConditionsSection ? "!"
        : Doubtful ? "?"
        : "*";
}

/// <summary>
/// Two runs side by side: the figures are the runs' own (results.json, so the comparison says what each
/// run's report says); the noise judgement comes from the histories, window by window (see Noise).
/// </summary>
public sealed class RunComparison
{
    public RunFigures A { get; }
    public RunFigures B { get; }
    public HistoryDigest? HistoryA { get; }
    public HistoryDigest? HistoryB { get; }
    public List<ComparisonRow> Rows { get; } = [];

    public const string ConditionsSection = "conditions";

    /// <summary>How the runs' conditions differ (or that they are unknown); empty when they match.</summary>
    public List<string> ConditionDifferences { get; }

    /// <summary>True when the runs' recorded conditions differ: a change in speed may be the machine.</summary>
    public bool ConditionsDiffer =>
        ConditionDifferences.Any(d => !d.StartsWith(Conditions.Unknown, StringComparison.Ordinal));

    /// <summary>The sentence said above the figures when conditions differ.</summary>
    public const string ConditionsWarning =
        "A change in speed or recovery below may be the machine, not the build: "
        + "compare runs made under the same conditions before calling it a regression.";

    public RunComparison(string runA, string runB)
    {
        A = RunFigures.Read(runA);
        B = RunFigures.Read(runB);
        HistoryA = Digest(runA);
        HistoryB = Digest(runB);
        ConditionDifferences = Conditions.Differences(A.Conditions, B.Conditions);
        Build();
    }

    static HistoryDigest? Digest(string dir)
    {
        var path = Path.Combine(dir, "history.jsonl");
        return File.Exists(path) ? new HistoryDigest(HistoryFile.Load(path)) : null;
    }

    void Build()
    {
        Add("verdict", "verdict", Text(A.Verdict), Text(B.Verdict), A.Verdict != B.Verdict);
        Add("verdict", "versions", Versions(A), Versions(B), false);
        AddConditions();
        var width = HistoryA is { } ha && HistoryB is { } hb ? Noise.WindowWidth(ha, hb) : 1;
        bool Windows(Func<List<ClientOp>, double?> figure) =>
            HistoryA is { } da
            && HistoryB is { } db
            && Noise.Beyond(Noise.PerWindow(da, width, figure), Noise.PerWindow(db, width, figure));

        Add(
            "throughput",
            "operations",
            A.Ops.ToString(CultureInfo.InvariantCulture),
            B.Ops.ToString(CultureInfo.InvariantCulture),
            false
        );
        AddNumber(
            "throughput",
            "ok/s",
            A.OkPerSecond,
            B.OkPerSecond,
            "0.0",
            Windows(w => w.Count(o => o.Outcome == Outcome.Ok) / width)
        );
        AddNumber(
            "throughput",
            "fail rate",
            A.FailRate,
            B.FailRate,
            "0.000",
            Windows(w => w.Count == 0 ? null : (double)w.Count(o => o.Outcome == Outcome.Fail) / w.Count)
        );
        AddNumber(
            "throughput",
            "info rate",
            A.InfoRate,
            B.InfoRate,
            "0.000",
            Windows(w => w.Count == 0 ? null : (double)w.Count(o => o.Outcome == Outcome.Info) / w.Count)
        );

        foreach (var f in A.ByF.Select(s => s.F).Union(B.ByF.Select(s => s.F)).Order(StringComparer.Ordinal))
        {
            var sa = A.ByF.FirstOrDefault(s => s.F == f);
            var sb = B.ByF.FirstOrDefault(s => s.F == f);
            foreach (
                var (name, q, get) in new (string, double, Func<OpStats, double?>)[]
                {
                    ("p50", 0.50, s => s.LatencyP50Ms),
                    ("p95", 0.95, s => s.LatencyP95Ms),
                    ("p99", 0.99, s => s.LatencyP99Ms),
                }
            )
            {
                var marked = Windows(w => LatencyQuantile(w, f, q));
                AddNumber(
                    "latency (ms)",
                    $"{f} {name}",
                    sa is null ? null : get(sa),
                    sb is null ? null : get(sb),
                    "0.00",
                    marked
                );
            }
        }

        foreach (var kind in A.HealToOkByKind.Keys.Union(B.HealToOkByKind.Keys).Order(StringComparer.Ordinal))
        {
            double? ha2 = A.HealToOkByKind.GetValueOrDefault(kind),
                hb2 = B.HealToOkByKind.GetValueOrDefault(kind);
            var (inA, inB) = (A.HealToOkByKind.ContainsKey(kind), B.HealToOkByKind.ContainsKey(kind));
            var healMarked = inA && inB && Noise.BeyondOnce(ha2, hb2);
            Rows.Add(
                new ComparisonRow(
                    "recovery",
                    $"{kind}: heal to first ok on every node (s, slowest heal)",
                    Seconds(ha2, inA),
                    Seconds(hb2, inB),
                    "",
                    healMarked
                )
                {
                    Doubtful = healMarked && ConditionsDiffer,
                }
            );
        }
        AddNumber(
            "recovery",
            "longest outage (s)",
            A.LongestOutageSeconds,
            B.LongestOutageSeconds,
            "0.000",
            Noise.BeyondOnce(A.LongestOutageSeconds, B.LongestOutageSeconds)
        );
        var anomaliesA = A.Anomalies.Count == 0 ? "none" : string.Join("\n", A.Anomalies);
        var anomaliesB = B.Anomalies.Count == 0 ? "none" : string.Join("\n", B.Anomalies);
        Add(
            "anomalies",
            "anomalies found",
            anomaliesA,
            anomaliesB,
            A.Anomalies.Count != B.Anomalies.Count || A.Verdict != B.Verdict
        );
    }

    /// <summary>The conditions side by side; a row that differs is marked (the load rows by the load rule).</summary>
    void AddConditions()
    {
        var (ca, cb) = (A.Conditions, B.Conditions);
        var cores = Math.Max(ca.Cores ?? 1, cb.Cores ?? 1);
        var loadsDiffer = ca.Load is { } la && cb.Load is { } lb && Conditions.LoadsDiffer(la, lb, cores);
        static bool Recorded(string v) => v is not ("unknown" or "-");
        foreach (var (figure, a, b) in Conditions.Rows(ca, cb))
        {
            var differs = figure.StartsWith("load", StringComparison.Ordinal)
                ? loadsDiffer
                : figure is "node kind" or "isolation" or "network" or "cores" && a != b && Recorded(a) && Recorded(b);
            Rows.Add(new ComparisonRow(ConditionsSection, figure, a, b, differs ? "differs" : "", differs));
        }
    }

    /// <summary>A latency quantile (ms) of one f's ok ops in a window; runner histories are timed in
    /// nanoseconds.</summary>
    static double? LatencyQuantile(List<ClientOp> window, string f, double q)
    {
        var l = window
            .Where(o => o.Outcome == Outcome.Ok && o.F == f)
            .Select(o => (o.Completed - o.Invoked) / 1e6)
            .Order()
            .ToList();
        return l.Count == 0 ? null : Quantiles.NearestRank(l, q);
    }

    void Add(string section, string figure, string a, string b, bool marked) =>
        Rows.Add(new ComparisonRow(section, figure, a, b, "", marked));

    /// <summary>A measured figure; a mark beyond noise is doubtful when the conditions differ.</summary>
    void AddNumber(string section, string figure, double? a, double? b, string format, bool marked)
    {
        var change =
            a is { } x && b is { } y
                ? (y - x).ToString("+" + format + ";-" + format + ";0", CultureInfo.InvariantCulture)
                    + (x != 0 ? $" ({(y - x) / Math.Abs(x):+0%;-0%;0%})" : "")
                : "";
        Rows.Add(
            new ComparisonRow(section, figure, Num(a, format), Num(b, format), change, marked)
            {
                Doubtful = marked && ConditionsDiffer,
            }
        );
    }

    public static string Num(double? v, string format) =>
        v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    static string Seconds(double? v, bool present) =>
        !present ? "-"
        : v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture)
        : "never recovered";

    static string Text(Verdict? v) => v?.ToString().ToLowerInvariant() ?? "no verdict";

    static string Versions(RunFigures r) =>
        r.Versions.Count == 0 ? "-" : string.Join("; ", r.Versions.Values.Distinct());

    /// <summary>The table as plain text for a terminal; marked rows carry a '*'.</summary>
    public string Table()
    {
        var header = new[] { "", "figure", "A", "B", "change" };
        var rows = Rows.Select(r =>
                new[] { r.Mark, r.Figure, r.A.Replace('\n', ';'), r.B.Replace('\n', ';'), r.Change }
            )
            .ToList();
        var widths = Enumerable
            .Range(0, header.Length)
            .Select(c => rows.Select(x => x[c].Length).Append(header[c].Length).Max())
            .ToArray();
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"A: {A.Dir}\nB: {B.Dir}");
        if (ConditionsDiffer)
            sb.AppendLine($"CONDITIONS DIFFER. {ConditionsWarning}");
        foreach (var d in ConditionDifferences)
            sb.AppendLine($"  - {d}");
        foreach (var row in rows.Prepend(header))
            sb.AppendLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        sb.AppendLine($"* beyond noise. {Noise.Rule}");
        if (Rows.Any(r => r.Doubtful))
            sb.AppendLine("? beyond noise, but under different conditions: it may be the machine, not the build.");
        sb.AppendLine($"! a condition that differs. {Conditions.Rule}");
        return sb.ToString();
    }
}
