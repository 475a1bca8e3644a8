using System.Text.RegularExpressions;

namespace Checker.Runner.Databases;

/// <summary>
/// The thread dumps a JVM writes into its log on SIGQUIT, each taken out into a file of its own
/// (threads-1.txt, threads-2.txt, ... beside the log), so a reader finds them without scrolling the log.
/// </summary>
public static partial class ThreadDumps
{
    /// <summary>Writes each dump in the log to folder/threads-N.txt and returns the files, in order.</summary>
    public static List<string> Extract(string log, string folder)
    {
        var files = new List<string>();
        var lines = File.ReadAllLines(log);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("Full thread dump ", StringComparison.Ordinal))
                continue;
            var start = i > 0 && DumpDate().IsMatch(lines[i - 1]) ? i - 1 : i;
            var end = i + 1;
            while (
                end < lines.Length
                && !lines[end].StartsWith("JNI global refs", StringComparison.Ordinal)
                && !lines[end].StartsWith("Full thread dump ", StringComparison.Ordinal)
            )
                end++;
            if (end < lines.Length && lines[end].StartsWith("JNI global refs", StringComparison.Ordinal))
                end++;
            var file = Path.Combine(folder, $"threads-{files.Count + 1}.txt");
            File.WriteAllLines(file, lines[start..end]);
            files.Add(file);
            i = end - 1;
        }
        return files;
    }

    /// <summary>The line a JVM writes before a dump: its wall-clock time.</summary>
    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")]
    private static partial Regex DumpDate();
}
