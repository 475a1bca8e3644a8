using Checker.Core.Checks;
using Checker.Runner.Running;

namespace Checker.Runner.Tests.Support;

/// <summary>Assertions on whole runs.</summary>
public static class RunAssert
{
    /// <summary>The run is valid; if not, the failure shows every checker's verdict and summary.</summary>
    public static void Valid(RunOutcome outcome) =>
        Assert.True(outcome.Verdict == Verdict.Valid, Verdicts(outcome));

    /// <summary>Every checker's verdict and summary, a line each.</summary>
    public static string Verdicts(RunOutcome outcome) =>
        string.Join("\n", outcome.Checks.Select(c => $"{c.Checker}: {c.Verdict} {c.Summary}"));
}
