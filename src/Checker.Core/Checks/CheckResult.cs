namespace Checker.Core.Checks;

/// <summary>
/// A checker's conclusion. Unknown means the search could not decide (time or memory ran out), never a
/// guess. NotJudged means the history lacks what the check needs (no times, or it ends too soon): the
/// check says so and takes no part in the overall verdict.
/// </summary>
public enum Verdict
{
    Valid,
    Invalid,
    Unknown,
    NotJudged,
}

/// <summary>What one checker concluded about a history.</summary>
/// <param name="Checker">The checker's name, e.g. "linearizable".</param>
/// <param name="Summary">One or a few lines a person reads first.</param>
/// <param name="Details">Checker-specific data, serialized as JSON into results.json.</param>
public sealed record CheckResult(string Checker, Verdict Verdict, string Summary, object? Details = null);

/// <summary>A checker reads a history and returns a result; it never throws for a history it merely finds
/// wrong.</summary>
public interface IChecker
{
    /// <summary>Short stable name, used as the key in results.json.</summary>
    string Name { get; }

    /// <summary>Judges the whole history; honours cancellation by returning Unknown.</summary>
    CheckResult Check(IReadOnlyList<History.Op> history, CancellationToken cancel = default);
}

public static class Verdicts
{
    /// <summary>
    /// The verdict of several checks together: any invalid makes it invalid, else any unknown makes it
    /// unknown; checks not judged are left out. If none judged anything, nothing is claimed: not judged.
    /// </summary>
    public static Verdict Combine(IEnumerable<Verdict> verdicts)
    {
        var result = Verdict.NotJudged;
        foreach (var v in verdicts)
        {
            if (v == Verdict.Invalid)
                return Verdict.Invalid;
            if (v == Verdict.Unknown)
                result = Verdict.Unknown;
            else if (v == Verdict.Valid && result == Verdict.NotJudged)
                result = Verdict.Valid;
        }
        return result;
    }

    /// <summary>Process exit code for a verdict: 0 valid, 1 invalid, 2 unknown (and nothing judged at all: no claim of
    /// validity).</summary>
    public static int ExitCode(Verdict v) =>
        v switch
        {
            Verdict.Valid => 0,
            Verdict.Invalid => 1,
            _ => 2,
        };

    /// <summary>The verdict as written in results and summaries: valid, invalid, unknown, not judged.</summary>
    public static string Word(Verdict v) => v == Verdict.NotJudged ? "not judged" : v.ToString().ToLowerInvariant();
}
