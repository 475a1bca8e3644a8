using Checker.Core.Checks;
using Checker.Report.Data;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Compare;

/// <summary>
/// The figures a person compares runs by, read from one run folder's results.json: the verdict, counts
/// and rates and latency quantiles (the stats check), the longest outage and the time each kind of fault
/// took to heal (the recovery check), the anomalies (every check that judged and is not valid) and the build each
/// node ran. A figure results.json lacks is null, never zero: a missing figure must not look like a fast run.
/// </summary>
public sealed record RunFigures(
    string Dir,
    string? Test,
    Verdict? Verdict,
    OpStats? All,
    IReadOnlyList<OpStats> ByF,
    double? Seconds,
    double? LongestOutageSeconds,
    IReadOnlyList<string> LongestOutageFaults,
    IReadOnlyDictionary<string, double?> HealToOkByKind,
    IReadOnlyList<string> Anomalies,
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyList<CheckResult> Checks
)
{
    public long Ops => All is { } a ? a.Ok + a.Fail + a.Info : 0;
    public double? OkPerSecond => All?.OkPerSecond;
    public double? P99Ms => All?.LatencyP99Ms;
    public double? FailRate => All is { } a && Ops > 0 ? (double)a.Fail / Ops : null;
    public double? InfoRate => All is { } a && Ops > 0 ? (double)a.Info / Ops : null;
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Dir));

    /// <summary>What the run ran on (load, cores, nodes, network); unknown where not recorded.</summary>
    public Conditions Conditions { get; init; } = Conditions.Read(new JObject());

    /// <summary>Reads DIR/results.json; throws ReportInputException naming the file if it is missing or
    /// unreadable.</summary>
    public static RunFigures Read(string runDir)
    {
        var path = Path.Combine(runDir, "results.json");
        if (!File.Exists(path))
            throw new ReportInputException($"{runDir}: no results.json (not a run folder)");
        var run = ResultsFile.Read(path);
        var stats = run.Checks.Select(c => c.Details).OfType<StatsReport>().FirstOrDefault();
        var recovery = run.Checks.Select(c => c.Details).OfType<RecoveryReport>().FirstOrDefault();
        var verdict = run.Verdict
            ?? (run.Checks.Count > 0 ? Verdicts.Combine(run.Checks.Select(c => c.Verdict)) : null);
        return new RunFigures(
            Path.GetFullPath(runDir),
            run.Test,
            verdict,
            stats?.All,
            stats?.ByF ?? [],
            stats?.Seconds,
            recovery?.LongestOutage?.Seconds,
            recovery?.LongestOutage?.Faults ?? [],
            HealTimes(recovery?.Heals ?? []),
            run.Checks.Where(c => c.Verdict is not (Core.Checks.Verdict.Valid or Core.Checks.Verdict.NotJudged))
                .Select(c => $"{c.Checker}: {c.Verdict.ToString().ToLowerInvariant()}: {FirstLine(c.Summary)}")
                .ToList(),
            ReadVersions(run.Raw["versions"]),
            run.Checks
        )
        {
            Conditions = Conditions.Read(run.Raw),
        };
    }

    /// <summary>
    /// Per fault kind, the longest time from a heal to the first ok operation on every node (the slowest
    /// node of the slowest heal of that kind). A heal some node never recovered from makes the kind null;
    /// a heal the history ended too soon to judge is left out (it says nothing either way).
    /// </summary>
    static Dictionary<string, double?> HealTimes(IReadOnlyList<HealRecovery> heals)
    {
        var byKind = new Dictionary<string, double?>();
        foreach (var heal in heals.Where(h => h.Outcome != "not-judged"))
        {
            var nodes = heal.SecondsByNode.Values.ToList();
            double? slowest =
                heal.Outcome != "recovered" || nodes.Count == 0 || nodes.Any(n => n is null) ? null : nodes.Max();
            if (!byKind.TryGetValue(heal.Healed, out var before))
                byKind[heal.Healed] = slowest;
            else
                byKind[heal.Healed] = before is null || slowest is null ? null : Math.Max(before.Value, slowest.Value);
        }
        return byKind;
    }

    static Dictionary<string, string> ReadVersions(JToken? t) =>
        (t as JObject)
            ?.Properties()
            .Where(p => p.Value.Type == JTokenType.String)
            .ToDictionary(p => p.Name, p => (string)p.Value!)
        ?? [];

    static string FirstLine(string s) => s.Split('\n')[0];
}
