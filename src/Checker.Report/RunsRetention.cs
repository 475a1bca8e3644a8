using Checker.Core.Checks;

namespace Checker.Report;

/// <summary>What to prune: runs beyond the newest Keep of each test, and/or runs older than OlderThan.</summary>
public sealed record RetentionRule(int? Keep, TimeSpan? OlderThan);

/// <summary>
/// Prunes old run folders under results/, per test. Whatever the rule, the newest valid and the newest
/// invalid run of each test are kept (the last good baseline and the last failure to study), and so is
/// any folder without a results.json: a run still going, or one only a person can judge. Then
/// results/index.html is rewritten so it lists only what is left.
/// </summary>
public static class RunsRetention
{
    /// <summary>The run folders the rule removes (full paths); with dryRun they are only listed.</summary>
    public static List<string> Prune(string resultsRoot, RetentionRule rule, DateTime now, bool dryRun = false)
    {
        var doomed = new List<string>();
        foreach (var test in RunsIndex.Scan(resultsRoot).GroupBy(r => r.Test))
        {
            var newestFirst = test.OrderByDescending(r => r.Started)
                .ThenByDescending(r => r.Run, StringComparer.Ordinal)
                .ToList();
            var protectedRuns = new HashSet<RunEntry>();
            foreach (var verdict in new[] { Verdict.Valid, Verdict.Invalid })
                if (newestFirst.FirstOrDefault(r => r.Summary.Verdict == verdict) is { } newest)
                    protectedRuns.Add(newest);
            for (var i = 0; i < newestFirst.Count; i++)
            {
                var run = newestFirst[i];
                var dir = Path.GetFullPath(Path.Combine(resultsRoot, run.RelativeDir));
                if (protectedRuns.Contains(run) || !File.Exists(Path.Combine(dir, "results.json")))
                    continue;
                var beyondKeep = rule.Keep is { } keep && i >= keep;
                var tooOld = rule.OlderThan is { } age && run.Started < now - age;
                if (beyondKeep || tooOld)
                    doomed.Add(dir);
            }
        }
        if (dryRun)
            return doomed;
        foreach (var dir in doomed)
            Directory.Delete(dir, recursive: true);
        foreach (var testDir in doomed.Select(Path.GetDirectoryName).Distinct())
            RepointLatest(testDir!);
        RunsIndex.Write(resultsRoot);
        return doomed;
    }

    /// <summary>TEST/latest names the newest run folder left, or goes when none is left.</summary>
    static void RepointLatest(string testDir)
    {
        var latest = Path.Combine(testDir, "latest");
        if (new FileInfo(latest).LinkTarget is null || Directory.Exists(latest))
            return; // still points at a kept run
        File.Delete(latest);
        var newest = new DirectoryInfo(testDir)
            .EnumerateDirectories()
            .Where(d => d.LinkTarget is null)
            .Select(d => d.Name)
            .Order(StringComparer.Ordinal)
            .LastOrDefault();
        if (newest is not null)
            File.CreateSymbolicLink(latest, newest);
    }
}
