using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Check;

/// <summary>Writes a checked history's plots and pages (index.html, timeline, counterexample) into a folder.</summary>
/// <param name="title">The page's title: the history's file name.</param>
/// <param name="startedAt">When the history was recorded, if its header says.</param>
public delegate void ReportWriter(
    string folder,
    IReadOnlyList<Op> history,
    IReadOnlyList<CheckResult> results,
    string title,
    DateTimeOffset? startedAt
);

/// <summary>
/// A program that runs `check`: `checker check` (which also writes reports) or checker-check, the check alone
/// compiled ahead of time. Both check, print and exit alike; they differ in their name in messages and in
/// whether --report is possible.
/// </summary>
/// <param name="Program">The name messages start with ("checker: ...").</param>
/// <param name="HelpHint">What a usage error ends with: where the options are explained.</param>
/// <param name="WriteReport">The writer of --report's pages; null where the program has none.</param>
public sealed record CheckHost(string Program, string HelpHint, ReportWriter? WriteReport)
{
    /// <summary>Prints a problem with the input (naming the file) and returns the bad-input exit code.</summary>
    public int BadInputError(string message)
    {
        Console.Error.WriteLine($"{Program}: {message}");
        return ExitCodes.BadInput;
    }

    /// <summary>Prints why the environment stopped the command and returns its exit code.</summary>
    public int EnvironmentError(string message)
    {
        Console.Error.WriteLine($"{Program}: {message}");
        return ExitCodes.Environment;
    }

    /// <summary>Prints a usage problem and where the options are explained; returns the usage exit code.</summary>
    public int UsageError(string message)
    {
        Console.Error.WriteLine($"{Program}: {message}");
        Console.Error.WriteLine(HelpHint);
        return ExitCodes.Usage;
    }

    /// <summary>
    /// Runs a check: a mistake in the call exits 4 and unreadable input exits 3, each with one line on stderr; a
    /// file or folder the user may not read, 5. Anything else unforeseen is reported in one line too
    /// (CHECKER_DEBUG=1 shows the trace).
    /// </summary>
    public int Guarded(Func<int> check)
    {
        try
        {
            return check();
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
        }
        catch (Exception e)
            when (e
                    is HistoryFormatException
                        or ArgumentException
                        or FileNotFoundException
                        or DirectoryNotFoundException
            )
        {
            return BadInputError(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return EnvironmentError(e.Message);
        }
        catch (Exception e) when (System.Environment.GetEnvironmentVariable("CHECKER_DEBUG") != "1")
        {
            Console.Error.WriteLine($"{Program}: internal error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.Internal;
        }
    }
}

/// <summary>The exit codes of checker and checker-check: 0 valid, 1 invalid, 2 unknown (the verdict), then
/// these.</summary>
public static class ExitCodes
{
    /// <summary>A history or spec that cannot be read.</summary>
    public const int BadInput = 3;

    /// <summary>An unknown command, option, model or format.</summary>
    public const int Usage = 4;

    /// <summary>The test could not run; a results or report folder cannot be written.</summary>
    public const int Environment = 5;

    /// <summary>A bug in Checker.</summary>
    public const int Internal = 70;
}
