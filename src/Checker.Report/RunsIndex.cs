using System.Globalization;
using Checker.Report.Data;
using Checker.Report.Pages;

namespace Checker.Report;

/// <summary>One run folder as results/index.html lists it.</summary>
/// <param name="Settings">What set the run apart: its recorded overrides, else its spec's differences from the test's
/// other runs.</param>
public sealed record RunEntry(
    string Test,
    string Run,
    string RelativeDir,
    DateTime Started,
    RunSummary Summary,
    bool HasReport
)
{
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>results/index.html: every run of every test, newest first, and per test a trend of verdicts and p99
/// latency.</summary>
public static class RunsIndex
{
    public const string FileName = "index.html";

    /// <summary>Scans resultsRoot/TEST/RUN/ folders and (re)writes resultsRoot/index.html; returns the runs it
    /// found.</summary>
    public static IReadOnlyList<RunEntry> Write(string resultsRoot)
    {
        var runs = Scan(resultsRoot);
        Directory.CreateDirectory(resultsRoot);
        RunsIndexPage.Write(Path.Combine(resultsRoot, FileName), runs);
        return runs;
    }

    public static List<RunEntry> Scan(string resultsRoot)
    {
        var runs = new List<RunEntry>();
        if (!Directory.Exists(resultsRoot))
            return runs;
        foreach (var testDir in new DirectoryInfo(resultsRoot).EnumerateDirectories())
        {
            if (testDir.Name.StartsWith('.') || testDir.LinkTarget is not null)
                continue;
            foreach (var runDir in testDir.EnumerateDirectories())
            {
                if (runDir.LinkTarget is not null || runDir.Name == "latest")
                    continue; // latest points at a run listed anyway
                var summary = RunSummary.Read(runDir.FullName);
                if (summary is null && !File.Exists(Path.Combine(runDir.FullName, "history.jsonl")))
                    continue;
                summary ??= new RunSummary(null, new Dictionary<string, Core.Checks.Verdict>(), 0, 0, 0, 0, null, null);
                runs.Add(
                    new RunEntry(
                        testDir.Name,
                        runDir.Name,
                        $"{testDir.Name}/{runDir.Name}",
                        StartOf(runDir),
                        summary,
                        File.Exists(Path.Combine(runDir.FullName, RunPage.FileName))
                    )
                );
            }
        }
        runs.Sort(
            (a, b) => b.Started != a.Started ? b.Started.CompareTo(a.Started) : string.CompareOrdinal(b.Run, a.Run)
        );
        return WithSettings(resultsRoot, runs);
    }

    /// <summary>Each run's overrides, so a run with plain reads and one with synced reads do not look the
    /// same.</summary>
    static List<RunEntry> WithSettings(string resultsRoot, List<RunEntry> runs)
    {
        var result = new List<RunEntry>(runs);
        foreach (var test in runs.Select((r, i) => (r, i)).GroupBy(x => x.r.Test))
        {
            var members = test.ToList();
            var dirs = members.Select(m => Path.Combine(resultsRoot, m.r.RelativeDir)).ToList();
            var differences = RunSettings.Differences(dirs.Select(RunSettings.Spec).ToList());
            for (var k = 0; k < members.Count; k++)
                result[members[k].i] = members[k].r with { Settings = RunSettings.Recorded(dirs[k]) ?? differences[k] };
        }
        return result;
    }

    /// <summary>A name the runner gives run folders: yyyyMMddTHHmmss, -N added for a second run that second.</summary>
    public static bool IsRunFolderName(string name) =>
        name.Length >= 15
        && DateTime.TryParseExact(
            name[..15],
            "yyyyMMdd'T'HHmmss",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out _
        )
        && (name.Length == 15 || name[15] == '-' && name.Length > 16 && name[16..].All(char.IsAsciiDigit));

    /// <summary>The runner names run folders yyyyMMddTHHmmss (a -N suffix for a second run in the same
    /// second).</summary>
    static DateTime StartOf(DirectoryInfo runDir) =>
        runDir.Name.Length >= 15
        && DateTime.TryParseExact(
            runDir.Name[..15],
            "yyyyMMdd'T'HHmmss",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out var t
        )
            ? t
            : runDir.CreationTime;
}
