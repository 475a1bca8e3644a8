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
    /// Runs a command: a mistake in the call exits 4 and unreadable input exits 3, each with one line on
    /// stderr. Anything else unforeseen is reported in one line too (CHECKER_DEBUG=1 shows the trace).
    /// </summary>
    internal static int Guarded(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
        }
        catch (Exception e)
            when (e
                    is HistoryFormatException
                        or ReportInputException
                        or ArgumentException
                        or FileNotFoundException
                        or DirectoryNotFoundException
            )
        {
            return BadInputError(e.Message);
        }
        catch (Exception e)
            when (e is IOException or UnauthorizedAccessException or Runner.Running.UnsafeStateException)
        {
            // A folder that cannot be written, a full disk, a file the user may not read: the machine, not the input.
            return EnvironmentError(e.Message);
        }
        catch (Exception e) when (System.Environment.GetEnvironmentVariable("CHECKER_DEBUG") != "1")
        {
            Console.Error.WriteLine($"checker: internal error ({e.GetType().Name}): {e.Message}");
            return Internal;
        }
    }

    /// <summary>Prints a problem with the input (naming the file) and returns the bad-input exit code.</summary>
    public static int BadInputError(string message)
    {
        Console.Error.WriteLine($"checker: {message}");
        return BadInput;
    }

    /// <summary>Prints why the environment stopped the command (a folder that cannot be written) and returns
    /// 5.</summary>
    public static int EnvironmentError(string message)
    {
        Console.Error.WriteLine($"checker: {message}");
        return Environment;
    }

    /// <summary>Prints a usage problem and returns the usage exit code.</summary>
    public static int UsageError(string message)
    {
        Console.Error.WriteLine($"checker: {message}");
        Console.Error.WriteLine("run 'checker --help' for the commands");
        return Usage;
    }
}
