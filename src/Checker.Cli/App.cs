using Checker.Cli.Commands;
using Checker.Core.History;
using Checker.Report;

namespace Checker.Cli;

/// <summary>
/// The checker command. Exit codes: 0 valid, 1 invalid, 2 unknown (the verdict), 3 bad input
/// (a history or spec that cannot be read), 4 usage (unknown command, option, model or format),
/// 5 environment (the test could not run; a results or report folder cannot be written), 70 a bug in Checker.
/// </summary>
public static class App
{
    public const int BadInput = ExitCodes.BadInput;
    public const int Usage = ExitCodes.Usage;
    public const int Environment = ExitCodes.Environment;
    public const int Internal = ExitCodes.Internal;

    const string Help = """
        usage: checker <command> [options]

          run [SPEC] [--field value ...]   run a test (default: workloads/zookeeper-register.json)
          check FILE... [options]          check histories (JSON Lines, Jepsen EDN or Jepsen log)
          report RUN_DIR                   regenerate a run's plots and pages
          lab up|down [--nodes N]          SSH hosts on this machine to run against (root)
          image build                      Checker's node image for Docker nodes, from Debian's packages
          candidate build NAME             a ZooKeeper release with a known bug put back (for --db.install)
          clean                            stop nodes and proxies left by earlier runs; prune old results
          compare RUN_A RUN_B              two runs side by side (compare.html)

        'checker <command> --help' explains a command's options.
        """;

    /// <summary>`checker check`: the check that checker-check also runs, with plots and pages for --report.</summary>
    static readonly CheckHost CheckHost = new(
        "checker",
        "run 'checker --help' for the commands",
        (folder, history, results, title, startedAt) =>
            RunReport.Write(folder, history, results, new ReportOptions { Title = title, StartedAt = startedAt })
    );

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? Usage : 0;
        }
        var rest = args[1..];
        return Guarded(() =>
            args[0] switch
            {
                "check" => CheckProgram.Run(rest, CheckHost),
                "run" => RunCommand.Execute(rest),
                "report" => ReportCommand.Execute(rest),
                "clean" => CleanCommand.Execute(rest),
                "lab" => LabCommand.Execute(rest),
                "image" => ImageCommand.Execute(rest),
                "candidate" => CandidateCommand.Execute(rest),
                "compare" => CompareCommand.Execute(rest),
                _ => UsageError($"unknown command '{args[0]}'"),
            }
        );
    }

    /// <summary>
    /// Runs a command as `check` runs (CheckHost.Guarded: usage 4, bad input 3, environment 5, else one line and
    /// 70), and also a report or spec that cannot be read as bad input, and unsafe state folders as environment.
    /// </summary>
    internal static int Guarded(Func<int> command) =>
        CheckHost.Guarded(() =>
        {
            try
            {
                return command();
            }
            catch (ReportInputException e)
            {
                return BadInputError(e.Message);
            }
            catch (Runner.Running.UnsafeStateException e)
            {
                // A state folder owned by another user or writable by others: the machine, not the input.
                return EnvironmentError(e.Message);
            }
        });

    /// <summary>Prints a problem with the input (naming the file) and returns the bad-input exit code.</summary>
    public static int BadInputError(string message) => CheckHost.BadInputError(message);

    /// <summary>Prints why the environment stopped the command (a folder that cannot be written); returns 5.</summary>
    public static int EnvironmentError(string message) => CheckHost.EnvironmentError(message);

    /// <summary>Prints a usage problem and returns the usage exit code.</summary>
    public static int UsageError(string message) => CheckHost.UsageError(message);
}
