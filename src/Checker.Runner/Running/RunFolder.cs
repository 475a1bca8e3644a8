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

    RunFolder(string dir, string runId)
    {
        Dir = dir;
        RunId = runId;
    }

    /// <summary>Creates a fresh folder for the test (a second run in the same second gets a suffix) and points latest at it.</summary>
    public static RunFolder Create(string resultsRoot, string testName)
    {
        var testDir = Path.GetFullPath(Path.Combine(resultsRoot, testName));
        Directory.CreateDirectory(testDir);
        var stamp = DateTime.Now.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var name = stamp;
        for (var i = 2; Directory.Exists(Path.Combine(testDir, name)); i++) name = $"{stamp}-{i}";
        var dir = Directory.CreateDirectory(Path.Combine(testDir, name)).FullName;
        var latest = Path.Combine(testDir, "latest");
        try
        {
            if (File.Exists(latest) || Directory.Exists(latest) || new FileInfo(latest).LinkTarget is not null) File.Delete(latest);
            File.CreateSymbolicLink(latest, name);
        }
        catch (IOException) { } // another run raced us to it; the folder itself is what matters
        return new RunFolder(dir, $"{testName}-{name}-{Environment.ProcessId}");
    }
}
