using Checker.Runner.Running;

namespace Checker.Cli.Commands;

/// <summary>checker clean: stops nodes left by earlier runs (a killed runner), found in the runs registry.</summary>
public static class CleanCommand
{
    const string Help = """
        usage: checker clean [--force] [--runs-dir DIR]
               checker clean --results DIR [--keep N] [--older-than DAYS] [--dry-run]

        Stops the node processes of earlier runs whose runner is gone (e.g. killed with SIGKILL), as
        recorded in the runs registry (/run/checker/runs for root, else $XDG_RUNTIME_DIR/checker/runs or
        /tmp/checker-UID/runs; or CHECKER_RUNS_DIR), and removes their
        directories. Only processes Checker started are touched. For Docker nodes, the run's containers
        (labelled checker.run) are removed from the daemon it used, with its veths and bridge; other
        containers are left alone. --force also stops runs still running.
        --runs-dir reads another registry. A registry folder or file owned by another user, or that others
        may write, is not read; a file that is not a registry entry is skipped, saying so.

        With --keep or --older-than, prunes old run folders under --results (default results) instead:
        per test, runs beyond the newest N, or older than DAYS days, are removed, but never the newest
        valid and the newest invalid run of a test, nor a run without results.json (maybe still going).
        results/index.html is rewritten. --dry-run lists what would go.
        """;

    public static int Execute(string[] args)
    {
        if (args.Contains("--keep") || args.Contains("--older-than"))
            return Prune(args);
        var force = false;
        var runsDir = RunRegistry.DefaultDirectory;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    Console.Out.WriteLine(Help);
                    return 0;
                case "--force":
                    force = true;
                    break;
                case "--runs-dir" when i + 1 < args.Length:
                    runsDir = args[++i];
                    break;
                default:
                    return App.UsageError($"clean: unknown argument '{args[i]}'");
            }
        }
        var actions = Cleaner.CleanAsync(runsDir, force).GetAwaiter().GetResult();
        foreach (var line in actions)
            Console.Out.WriteLine(line);
        if (actions.Count == 0)
            Console.Out.WriteLine("nothing to clean");
        return 0;
    }

    static int Prune(string[] argv)
    {
        var args = new Args(argv, "dry-run");
        var results = args.Get("results") ?? "results";
        int? keep = args.Get("keep") is { } k
            ? int.TryParse(k, out var n) && n >= 1
                ? n
                : throw new UsageException($"--keep needs a whole number of runs, 1 or more, not '{k}'")
            : null;
        var days = args.Get("older-than") is { } d
            ? double.TryParse(d, System.Globalization.CultureInfo.InvariantCulture, out var x) && x >= 0
                ? x
                : throw new UsageException($"--older-than needs a number of days, not '{d}'")
            : (double?)null;
        var dryRun = args.Flag("dry-run");
        args.RejectUnknown();
        if (args.Positional.Count > 0)
            throw new UsageException($"clean: unknown argument '{args.Positional[0]}'");
        if (!Directory.Exists(results))
            return App.BadInputError($"{results}: no such results folder");
        var removed = Report.RunsRetention.Prune(
            results,
            new Report.RetentionRule(keep, days is { } v ? TimeSpan.FromDays(v) : null),
            DateTime.Now,
            dryRun
        );
        foreach (var dir in removed)
            Console.Out.WriteLine($"{(dryRun ? "would remove" : "removed")} {dir}");
        Console.Out.WriteLine(
            $"{removed.Count} run folder(s) {(dryRun ? "would be " : "")}removed; kept the newest valid and "
                + $"invalid run of each test"
        );
        return 0;
    }
}
