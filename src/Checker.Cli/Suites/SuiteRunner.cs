using Checker.Core.Checks;
using Checker.Report;
using Checker.Report.Compare;
using Checker.Runner.Databases;
using Checker.Runner.Running;

namespace Checker.Cli.Suites;

/// <summary>One run of one suite member: its verdict and figures, or why it did not finish.</summary>
/// <param name="Verdict">Null when the test could not run at all (Error says why) or was never started
/// (Ctrl-C).</param>
public sealed record SuiteResult(
    string Label,
    int Attempt,
    Verdict? Verdict,
    RunFigures? Figures,
    string? Folder,
    string? Error,
    bool Interrupted,
    double Seconds
)
{
    public bool Skipped => Verdict is null && Error is null;

    /// <summary>The verdict the suite expected: valid, or invalid for a self-test on a build with a known
    /// bug.</summary>
    public Verdict Expect { get; init; } = Core.Checks.Verdict.Valid;

    /// <summary>A failure of the suite: an invalid run where valid was expected, or a known bug not found.</summary>
    public bool Failed =>
        (Verdict, Expect)
            is
                (Core.Checks.Verdict.Invalid, Core.Checks.Verdict.Valid)
                or
                (Core.Checks.Verdict.Valid, Core.Checks.Verdict.Invalid);
}

/// <summary>
/// Runs a suite's members one after another. A member that is invalid, unknown, or cannot run at all
/// does not stop the rest: a nightly run should report every test. Cancellation (Ctrl-C) reaches the
/// running test, which heals, tears down and checks what it recorded; the members after it are skipped.
/// </summary>
public sealed class SuiteRunner(RunOptions options, TextWriter log)
{
    public async Task<List<SuiteResult>> RunAsync(IReadOnlyList<SuiteMember> members, CancellationToken cancel)
    {
        var results = new List<SuiteResult>();
        foreach (var m in members)
            for (var attempt = 1; attempt <= m.Repeat; attempt++)
            {
                if (cancel.IsCancellationRequested)
                {
                    results.Add(
                        new SuiteResult(m.Label, attempt, null, null, null, null, false, 0) { Expect = m.Expect }
                    );
                    continue;
                }
                if (members.Count > 1 || m.Repeat > 1)
                    log.WriteLine($"checker: {m.Label}{(m.Repeat > 1 ? $" #{attempt}" : "")}");
                results.Add(await RunOneAsync(m, attempt, cancel) with { Expect = m.Expect });
            }
        return results;
    }

    async Task<SuiteResult> RunOneAsync(SuiteMember m, int attempt, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunOutcome outcome;
        // Later overrides win, as they did when the spec was loaded.
        var overrides = new Dictionary<string, string>();
        foreach (var (k, v) in m.Overrides)
            overrides[k] = v;
        try
        {
            outcome = await TestRunner.RunAsync(m.Spec, options with { Overrides = overrides }, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            // The run folder (if any) keeps the log and results; the suite goes on with the next test.
            log.WriteLine($"checker: {m.Label}: the test could not run: {e.Message}");
            var folder = TestRunner.FolderOf(e);
            if (folder is not null)
                WriteReport(folder);
            return new SuiteResult(m.Label, attempt, null, null, folder, e.Message, false, clock.Elapsed.TotalSeconds);
        }
        WriteReport(outcome.Folder.Dir);
        RunFigures? figures = null;
        try
        {
            figures = RunFigures.Read(outcome.Folder.Dir);
        }
        catch (ReportInputException e)
        {
            log.WriteLine($"checker: {e.Message}");
        }
        return new SuiteResult(
            m.Label,
            attempt,
            outcome.Verdict,
            figures,
            outcome.Folder.Dir,
            null,
            outcome.Interrupted,
            clock.Elapsed.TotalSeconds
        );
    }

    /// <summary>Plots and pages for the run, and the index of all runs; a report that fails never costs the run its
    /// verdict.</summary>
    void WriteReport(string runDir)
    {
        try
        {
            RunReport.Regenerate(runDir);
            RunsIndex.Write(options.ResultsRoot);
        }
        catch (Exception e)
            when (e
                    is IOException
                        or ReportInputException
                        or Core.History.HistoryFormatException
                        or UnauthorizedAccessException
            )
        {
            log.WriteLine($"checker: the report for {runDir} could not be written: {e.Message}");
        }
    }

    /// <summary>
    /// The suite's exit code is its worst result: any failed run gives 1 (invalid where valid was expected, or
    /// a self-test's known bug not found); else any unknown, unfinished or skipped run gives 2 (it proves
    /// nothing either way); 5 when no test could run at all; 0 when every run reached its expected verdict.
    /// </summary>
    public static int ExitCode(IReadOnlyList<SuiteResult> results)
    {
        if (results.Any(r => r.Failed))
            return 1;
        if (results.Count > 0 && results.All(r => r.Error is not null))
            return App.Environment;
        if (results.Any(r => r.Verdict != r.Expect))
            return 2;
        return 0;
    }
}
