namespace Checker.Core.Checks;

/// <summary>A checker's conclusion. Unknown means it could not decide (time or memory ran out), never a guess.</summary>
public enum Verdict { Valid, Invalid, Unknown }

/// <summary>What one checker concluded about a history.</summary>
/// <param name="Checker">The checker's name, e.g. "linearizable".</param>
/// <param name="Summary">One or a few lines a person reads first.</param>
/// <param name="Details">Checker-specific data, serialized as JSON into results.json.</param>
public sealed record CheckResult(string Checker, Verdict Verdict, string Summary, object? Details = null);

/// <summary>A checker reads a history and returns a result; it never throws for a history it merely finds wrong.</summary>
public interface IChecker
{
    /// <summary>Short stable name, used as the key in results.json.</summary>
    string Name { get; }

    /// <summary>Judges the whole history; honours cancellation by returning Unknown.</summary>
    CheckResult Check(IReadOnlyList<History.Op> history, CancellationToken cancel = default);
}

public static class Verdicts
{
    /// <summary>The verdict of several checks together: any invalid makes it invalid, else any unknown makes it unknown.</summary>
    public static Verdict Combine(IEnumerable<Verdict> verdicts)
    {
        var result = Verdict.Valid;
        foreach (var v in verdicts)
        {
            if (v == Verdict.Invalid) return Verdict.Invalid;
            if (v == Verdict.Unknown) result = Verdict.Unknown;
        }
        return result;
    }

    /// <summary>Process exit code for a verdict: 0 valid, 1 invalid, 2 unknown.</summary>
    public static int ExitCode(Verdict v) => v switch { Verdict.Valid => 0, Verdict.Invalid => 1, _ => 2 };
}
