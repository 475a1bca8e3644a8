using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Runner.Generation;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;

namespace Checker.Runner.Running;

/// <summary>
/// The checks a run ends with: the workload's own (linearizability for a register), op statistics and
/// recovery. Each runs guarded: a checker that throws is reported unknown with its message, and the
/// others still run, so results.json is always written (Jepsen's check-safe).
/// </summary>
public static class RunChecks
{
    /// <param name="cutShort">
    /// The run ended early (Ctrl-C, a failure): a wrong answer in what was recorded is still wrong, but
    /// a missing one (no success, no recovery) may be only the cut, so those checks cannot say invalid.
    /// </param>
    /// <param name="elections">
    /// The leader elections the database's node logs show, if it has such logs
    /// (see <see cref="RecoveryOptions.Elections"/>).
    /// </param>
    public static List<CheckResult> Run(
        TestSpec spec,
        IWorkload? workload,
        Func<CheckResult, CheckResult>? explain,
        IReadOnlyList<Op> history,
        CancellationToken ct,
        bool cutShort = false,
        IReadOnlyList<LeaderElection>? elections = null
    )
    {
        var nodes = Enumerable.Range(1, spec.Nodes.Count).Select(k => $"n{k}").ToList();
        var checkers = new List<IChecker>();
        if (workload is not null)
            checkers.AddRange(
                workload.Checkers(new WorkloadCheckOptions(TimeSpan.FromSeconds(spec.Checker.Timeout), "history.jsonl"))
            );
        var liveness = new List<IChecker>
        {
            new StatsChecker(),
            new RecoveryChecker(
                new RecoveryOptions(
                    TimeSpan.FromSeconds(spec.Recovery.Budget),
                    TimeSpan.FromSeconds(spec.Recovery.Stall),
                    p => nodes[Generator.NodeOf(p, spec.Concurrency, spec.Nodes.Count)],
                    nodes,
                    workload is null ? null : workload.Serves,
                    ClientsNeverIdle: true, // the generator keeps every worker asking its node all run long
                    Elections: elections
                )
            ),
        };
        // Writes must go on under a fault that leaves a majority connected, after the recovery budget's grace for a
        // failover.
        if (workload?.Descriptor.Writes is { } isWrite)
            liveness.Add(
                new AvailabilityChecker(
                    new AvailabilityOptions(
                        TimeSpan.FromSeconds(spec.Recovery.Budget),
                        TimeSpan.FromSeconds(spec.Recovery.Stall),
                        nodes,
                        isWrite
                    )
                )
            );
        var results = checkers.Select(c => Guarded(c, history, explain, spec, ct)).ToList();
        foreach (var c in liveness)
        {
            var r = Guarded(c, history, explain, spec, ct);
            if (cutShort && r.Verdict == Verdict.Invalid)
                r = r with
                {
                    Verdict = Verdict.Unknown,
                    Summary =
                        r.Summary
                        + "\nthe run was cut short, so a missing success or recovery may be only the cut: "
                        + "not a verdict",
                };
            results.Add(r);
        }
        return results;
    }

    /// <summary>One checker's result: explained for the database and client mode, or unknown with why it could not
    /// judge.</summary>
    public static CheckResult Guarded(
        IChecker checker,
        IReadOnlyList<Op> history,
        Func<CheckResult, CheckResult>? explain,
        TestSpec spec,
        CancellationToken ct
    )
    {
        try
        {
            var r = checker.Check(history, ct);
            if (explain is not null)
                r = explain(r);
            if (r.Verdict == Verdict.Invalid && spec.Client.Mode != "correct")
                r = r with
                {
                    Summary = r.Summary + $"\nthe client ran in the deliberately faulty '{spec.Client.Mode}' mode",
                };
            return r;
        }
        catch (HistoryFormatException e)
        {
            return new CheckResult(checker.Name, Verdict.Unknown, $"could not check: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new CheckResult(
                checker.Name,
                Verdict.Unknown,
                $"the checker failed ({e.GetType().Name}): {e.Message}"
            );
        }
    }
}
