using Checker.Runner.Running;

namespace Checker.Cli.Commands;

/// <summary>checker clean: stops nodes left by earlier runs (a killed runner), found in the runs registry.</summary>
public static class CleanCommand
{
    const string Help = """
        usage: checker clean [--force] [--runs-dir DIR]

        Stops the node processes of earlier runs whose runner is gone (e.g. killed with SIGKILL), as
        recorded in the runs registry (/tmp/checker-runs, or CHECKER_RUNS_DIR), and removes their
        directories. Only processes Checker started are touched. --force also stops runs still running.
        --runs-dir reads another registry.
        """;

    public static int Execute(string[] args)
    {
        var force = false;
        var runsDir = RunRegistry.DefaultDirectory;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(Help); return 0;
                case "--force": force = true; break;
                case "--runs-dir" when i + 1 < args.Length: runsDir = args[++i]; break;
                default: return App.UsageError($"clean: unknown argument '{args[i]}'");
            }
        }
        var actions = Cleaner.CleanAsync(runsDir, force).GetAwaiter().GetResult();
        foreach (var line in actions) Console.Out.WriteLine(line);
        if (actions.Count == 0) Console.Out.WriteLine("nothing to clean");
        return 0;
    }
}
