using System.Globalization;

namespace Checker.Runner.Running;

/// <summary>results/&lt;test&gt;/&lt;yyyyMMddTHHmmss&gt;/ and the results/&lt;test&gt;/latest link to it.</summary>
public sealed class RunFolder
{
    public string Dir { get; }
    public string RunId { get; }
    public string History => Path.Combine(Dir, "history.jsonl");
    public string Spec => Path.Combine(Dir, "spec.json");
    public string Results => Path.Combine(Dir, "results.json");
    public string Log => Path.Combine(Dir, "runner.log");
    public string NodeLogs => Path.Combine(Dir, "nodes");

    readonly string? previousLatest; // where latest pointed before this run moved it
    readonly List<string> made; // the folders above Dir this run made, innermost first

    RunFolder(string dir, string runId, string? previousLatest, List<string> made)
    {
        Dir = dir;
        RunId = runId;
        this.previousLatest = previousLatest;
        this.made = made;
    }

    /// <summary>Creates a fresh folder for the test (a second run in the same second gets a suffix) and points latest
    /// at it.</summary>
    public static RunFolder Create(string resultsRoot, string testName)
    {
        var testDir = Path.GetFullPath(Path.Combine(resultsRoot, testName));
        var made = new List<string>();
        for (var d = testDir; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
            made.Add(d);
        Directory.CreateDirectory(testDir);
        var stamp = DateTime.Now.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var name = stamp;
        for (var i = 2; Directory.Exists(Path.Combine(testDir, name)); i++)
            name = $"{stamp}-{i}";
        var dir = Directory.CreateDirectory(Path.Combine(testDir, name)).FullName;
        var latest = Path.Combine(testDir, "latest");
        var previousLatest = new FileInfo(latest).LinkTarget;
        try
        {
            if (File.Exists(latest) || Directory.Exists(latest) || new FileInfo(latest).LinkTarget is not null)
                File.Delete(latest);
            File.CreateSymbolicLink(latest, name);
        }
        catch (IOException) { } // another run raced us to it; the folder itself is what matters
        // The id names the run's nodes, their folder and network: unique on this machine, even for runs this
        // process starts in one second into different results folders.
        var nth = Interlocked.Increment(ref runsStarted);
        var runId = $"{testName}-{name}-{Environment.ProcessId}" + (nth > 1 ? $"-{nth}" : "");
        return new RunFolder(dir, runId, previousLatest, made);
    }

    static int runsStarted; // by this process

    /// <summary>
    /// Removes the folder of a run that was refused before it started, and points latest back where it pointed
    /// (the folders above it this run made are removed too while nothing else is in them): a refusal leaves only
    /// its message.
    /// </summary>
    public void Discard()
    {
        Directory.Delete(Dir, recursive: true);
        var testDir = Path.GetDirectoryName(Dir)!;
        var latest = Path.Combine(testDir, "latest");
        try
        {
            if (new FileInfo(latest).LinkTarget == Path.GetFileName(Dir))
            {
                File.Delete(latest);
                if (previousLatest is not null)
                    File.CreateSymbolicLink(latest, previousLatest);
            }
            foreach (var folder in made)
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any())
                    break;
                Directory.Delete(folder);
            }
        }
        catch (IOException) { } // another run moved latest or wrote beside it meanwhile: what it made stays
    }
}
