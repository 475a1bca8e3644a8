using Checker.Core.Checks;
using Checker.Report.Compare;

namespace Checker.Report.Data;

/// <summary>One test's runs of one night (calendar day of the run's start), folded into one point.</summary>
/// <param name="Verdict">The night's worst verdict: one invalid run makes an invalid night.</param>
/// <param name="OkPerSecond">Mean over the night's runs; P99Ms the median; LongestOutageSeconds the longest.</param>
/// <param name="WentInvalid">Invalid, and the test's previous night was not: the night something broke.</param>
public sealed record NightPoint(
    DateTime Night,
    int Runs,
    Verdict? Verdict,
    double? OkPerSecond,
    double? P99Ms,
    double? LongestOutageSeconds,
    string NewestRun,
    bool WentInvalid
);

/// <summary>A test's nights, oldest first.</summary>
public sealed record TestTrend(string Test, IReadOnlyList<NightPoint> Nights)
{
    /// <summary>The night the test last went from not invalid to invalid; null if it never did.</summary>
    public NightPoint? FirstInvalidNight => Nights.LastOrDefault(n => n.WentInvalid);
}

/// <summary>Folds the runs index into per-test, per-night figures from each run's results.json.</summary>
public static class NightlyTrends
{
    public static List<TestTrend> Of(string resultsRoot, IReadOnlyList<RunEntry> runs, int maxNights = 30)
    {
        var trends = new List<TestTrend>();
        foreach (var test in runs.GroupBy(r => r.Test).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var nights = new List<NightPoint>();
            foreach (var night in test.GroupBy(r => r.Started.Date).OrderBy(g => g.Key).TakeLast(maxNights))
            {
                var figures = night
                    .Select(r => Read(Path.Combine(resultsRoot, r.RelativeDir)))
                    .OfType<RunFigures>()
                    .ToList();
                var verdicts = night.Select(r => r.Summary.Verdict).OfType<Verdict>().ToList();
                Verdict? verdict =
                    verdicts.Count == 0 ? null
                    : verdicts.Contains(Verdict.Invalid) ? Verdict.Invalid
                    : verdicts.Contains(Verdict.Unknown) ? Verdict.Unknown
                    : Verdict.Valid;
                var wentInvalid = verdict == Verdict.Invalid && nights.LastOrDefault()?.Verdict != Verdict.Invalid;
                nights.Add(
                    new NightPoint(
                        night.Key,
                        night.Count(),
                        verdict,
                        Mean(figures.Select(f => f.OkPerSecond)),
                        Median(figures.Select(f => f.P99Ms)),
                        figures.Select(f => f.LongestOutageSeconds).Max(),
                        night.OrderBy(r => r.Started).Last().RelativeDir,
                        wentInvalid
                    )
                );
            }
            trends.Add(new TestTrend(test.Key, nights));
        }
        return trends;
    }

    static RunFigures? Read(string dir)
    {
        try
        {
            return File.Exists(Path.Combine(dir, "results.json")) ? RunFigures.Read(dir) : null;
        }
        catch (ReportInputException)
        {
            return null;
        } // a damaged run still counts by its verdict, not its figures
    }

    static double? Mean(IEnumerable<double?> xs) =>
        xs.OfType<double>().ToList() is { Count: > 0 } l ? l.Average() : null;

    static double? Median(IEnumerable<double?> xs) =>
        xs.OfType<double>().Order().ToList() is { Count: > 0 } l ? l[l.Count / 2] : null;
}
