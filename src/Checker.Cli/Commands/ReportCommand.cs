using Checker.Core.History;
using Checker.Report;

namespace Checker.Cli.Commands;

/// <summary>checker report RUN_DIR: regenerates a run's plots and pages from its history.jsonl and
/// results.json.</summary>
public static class ReportCommand
{
    const string Help = """
        usage: checker report RUN_DIR        regenerate a run's plots and pages (index.html in RUN_DIR)
               checker report --index DIR    rewrite DIR/index.html, the list of every run under DIR

          RUN_DIR is a run folder, results/TEST/TIMESTAMP (or results/TEST/latest); it needs history.jsonl,
          and uses results.json when present (without it the checks run again, and the run is incomplete).
          After the report of a run folder the runner made (it holds results.json or is named by its start,
          yyyyMMddTHHmmss), the runs index two folders up (results/index.html) is rewritten too.
        exit: 0 written, 3 missing or unreadable input, 4 usage
        """;

    public static int Execute(string[] argv)
    {
        var args = new Args(argv, "help");
        if (args.Flag("help"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        var index = args.Get("index");
        args.RejectUnknown();
        if (index is not null)
        {
            if (args.Positional.Count != 0)
                throw new UsageException("report --index takes no run folder");
            if (!Directory.Exists(index))
                return App.BadInputError($"{index}: no such folder");
            var runs = RunsIndex.Write(index);
            Console.Out.WriteLine($"{Path.Combine(index, RunsIndex.FileName)}: {runs.Count} runs");
            return 0;
        }
        if (args.Positional.Count != 1)
            throw new UsageException("report needs exactly one run folder");
        var runDir = args.Positional[0];
        var written = RunReport.Regenerate(runDir);
        Console.Out.WriteLine(
            $"{Path.Combine(runDir, "index.html")}: {written.Count(w => !w.File.StartsWith('('))} files in "
                + $"{written.Sum(w => w.Took.TotalSeconds):0.0} s"
        );
        RefreshRunsIndex(runDir);
        return 0;
    }

    /// <summary>
    /// A run folder the runner made sits in RESULTS/TEST/RUN: keep RESULTS/index.html in step with it, a run
    /// cut short (no results.json) included, since the index is where it shows as incomplete. A folder is
    /// taken for the runner's when it holds results.json or is named as the runner names run folders;
    /// any other folder (a report written somewhere by hand) leaves the folders above it alone.
    /// </summary>
    static void RefreshRunsIndex(string runDir)
    {
        var full = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir)));
        var root = full.Parent?.Parent;
        if (root is null)
            return;
        var name = full.LinkTarget is { } target
            ? Path.GetFileName(Path.TrimEndingDirectorySeparator(target))
            : full.Name;
        if (!File.Exists(Path.Combine(runDir, "results.json")) && !RunsIndex.IsRunFolderName(name))
            return;
        RunsIndex.Write(root.FullName);
    }
}
