using Checker.Runner.Running;

namespace Checker.Cli.Commands;

/// <summary>checker clean: stops nodes left by earlier runs (a killed runner), found in the runs registry.</summary>
public static class CleanCommand
{
    const string Help = """
        usage: checker clean [--force]

        Stops the node processes of earlier runs whose runner is gone (e.g. killed with SIGKILL), as
        recorded in the runs registry (/tmp/checker-runs, or CHECKER_RUNS_DIR), and removes their
        directories. Only processes Checker started are touched. --force also stops runs still running.
        """;

    public static int Execute(string[] args)
    {
        var force = false;
        foreach (var a in args)
        {
            switch (a)
            {
                case "-h" or "--help": Console.Out.WriteLine(Help); return 0;
                case "--force": force = true; break;
                default: return App.UsageError($"clean: unknown argument '{a}'");
            }
        }
        var actions = Cleaner.CleanAsync(RunRegistry.DefaultDirectory, force).GetAwaiter().GetResult();
        foreach (var line in actions) Console.Out.WriteLine(line);
        if (actions.Count == 0) Console.Out.WriteLine("nothing to clean");
        return 0;
    }
}
