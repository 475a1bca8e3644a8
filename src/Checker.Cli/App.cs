using Checker.Cli.Commands;

namespace Checker.Cli;

/// <summary>
/// The checker command. Exit codes: 0 valid, 1 invalid, 2 unknown (the verdict), 3 bad input
/// (a history or spec that cannot be read), 4 usage, 5 the test could not run (environment).
/// </summary>
public static class App
{
    public const int BadInput = 3;
    public const int Usage = 4;
    public const int Environment = 5;

    const string Help = """
        usage: checker <command> [options]

          run [SPEC] [--field value ...]   run a test (default: workloads/zookeeper-register.json)
          check FILE [options]             check a history (JSON Lines, Jepsen EDN or Jepsen log)
          report RUN_DIR                   regenerate a run's plots and pages
          clean                            stop nodes and proxies left by earlier runs

        'checker <command> --help' explains a command's options.
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? Usage : 0;
        }
        var rest = args[1..];
        return args[0] switch
        {
            "check" => CheckCommand.Execute(rest),
            "run" => RunCommand.Execute(rest),
            "report" => ReportCommand.Execute(rest),
            "clean" => CleanCommand.Execute(rest),
            _ => UsageError($"unknown command '{args[0]}'"),
        };
    }

    /// <summary>Prints a usage problem and returns the usage exit code.</summary>
    public static int UsageError(string message)
    {
        Console.Error.WriteLine($"checker: {message}");
        Console.Error.WriteLine("run 'checker --help' for the commands");
        return Usage;
    }
}
