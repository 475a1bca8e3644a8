using Checker.Core.Checks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>
/// summary.json beside a run's report: the few figures results/index.html shows per run, so the nightly
/// index need not re-read every run's history. Also readable from a run's results.json when this is absent.
/// </summary>
/// <param name="Incomplete">The run was cut short before it wrote results.json.</param>
public sealed record RunSummary(
    Verdict? Verdict,
    IReadOnlyDictionary<string, Verdict> Checks,
    long Records,
    long Ok,
    long Fail,
    long Info,
    double? Seconds,
    double? P99Ms,
    bool Incomplete = false
)
{
    public const string FileName = "summary.json";

    public static void Write(
        string dir,
        HistoryDigest d,
        IReadOnlyList<CheckResult> results,
        Verdict verdict,
        bool incomplete = false
    )
    {
        var ok = d.Ops.Count(o => o.Outcome == Outcome.Ok);
        var fail = d.Ops.Count(o => o.Outcome == Outcome.Fail);
        var stats = results.Select(r => (r.Details as StatsReport)?.All).FirstOrDefault(s => s is not null);
        var summary = new RunSummary(
            verdict,
            results.GroupBy(r => r.Checker).ToDictionary(g => g.Key, g => g.First().Verdict),
            d.History.Count,
            ok,
            fail,
            d.Ops.Count - ok - fail,
            d.Timed ? d.AxisEnd : null,
            stats?.LatencyP99Ms ?? P99(d),
            incomplete
        );
        File.WriteAllText(
            Path.Combine(dir, FileName),
            JsonConvert.SerializeObject(
                summary,
                Formatting.Indented,
                new Newtonsoft.Json.Converters.StringEnumConverter()
            )
        );
    }

    static double? P99(HistoryDigest d)
    {
        if (!d.Timed)
            return null;
        var l = d.Ops.Where(o => o.Outcome == Outcome.Ok).Select(o => d.Latency(o)!.Value).Order().ToList();
        return l.Count == 0 ? null : Quantiles.NearestRank(l, 0.99);
    }

    /// <summary>A run folder's figures: summary.json if the report wrote one, else what results.json says; null if
    /// neither reads.</summary>
    public static RunSummary? Read(string runDir)
    {
        var summaryPath = Path.Combine(runDir, FileName);
        try
        {
            if (File.Exists(summaryPath))
                return JsonConvert.DeserializeObject<RunSummary>(
                    File.ReadAllText(summaryPath),
                    new Newtonsoft.Json.Converters.StringEnumConverter()
                );
        }
        catch (JsonException) { } // a half-written summary: fall back to results.json
        var resultsPath = Path.Combine(runDir, "results.json");
        if (!File.Exists(resultsPath))
            return File.Exists(Path.Combine(runDir, "history.jsonl"))
                ? new RunSummary(null, new Dictionary<string, Verdict>(), 0, 0, 0, 0, null, null, Incomplete: true)
                : null;
        try
        {
            var run = ResultsFile.Read(resultsPath);
            var stats = run.Checks.FirstOrDefault(c => c.Checker == "stats");
            var all = stats is null ? null : (stats.Details as StatsReport)?.All;
            var seconds = (stats?.Details as StatsReport)?.Seconds;
            return new RunSummary(
                run.Verdict ?? Verdicts.Combine(run.Checks.Select(c => c.Verdict)),
                run.Checks.ToDictionary(c => c.Checker, c => c.Verdict),
                0,
                all?.Ok ?? 0,
                all?.Fail ?? 0,
                all?.Info ?? 0,
                seconds,
                all?.LatencyP99Ms
            );
        }
        catch (ReportInputException)
        {
            return new RunSummary(null, new Dictionary<string, Verdict>(), 0, 0, 0, 0, null, null);
        }
    }
}
