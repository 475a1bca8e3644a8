using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Runner.Generation;
using Checker.Runner.Spec;

namespace Checker.Runner.Running;

/// <summary>The checks a run ends with: linearizability per key, op statistics, recovery.</summary>
public static class RunChecks
{
    public static List<CheckResult> Run(TestSpec spec, IReadOnlyList<Op> history, CancellationToken ct)
    {
        var nodes = Enumerable.Range(1, spec.Nodes.Count).Select(k => $"n{k}").ToList();
        var checkers = new IChecker[]
        {
            new LinearizabilityChecker(ModelCatalog.Create(spec.Checker.Model, null),
                new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(spec.Checker.Timeout), SplitByKey = true, Source = "history.jsonl" }),
            new StatsChecker(),
            new RecoveryChecker(new RecoveryOptions(
                TimeSpan.FromSeconds(spec.Recovery.Budget), TimeSpan.FromSeconds(spec.Recovery.Stall),
                p => nodes[Generator.NodeOf(p, spec.Concurrency, spec.Nodes.Count)], nodes)),
        };
        var results = new List<CheckResult>();
        foreach (var c in checkers)
        {
            try { results.Add(c.Check(history, ct)); }
            catch (HistoryFormatException e) { results.Add(new CheckResult(c.Name, Verdict.Unknown, $"could not check: {e.Message}")); }
        }
        results[0] = Explain(results[0], spec);
        return results;
    }

    /// <summary>Adds to a linearizability failure what it means for this workload: a stale read, and whether ZooKeeper allows it.</summary>
    static CheckResult Explain(CheckResult r, TestSpec spec)
    {
        if (r.Verdict != Verdict.Invalid || r.Details is not LinearizabilityReport { Failure: { } f }) return r;
        var lines = new List<string> { r.Summary };
        if (f.Failed.F == RegisterWorkload.Read)
            lines.Add($"stale read: process {f.Failed.Process} read {Values.Format(f.Failed.Output)} from key {Values.Format(f.Key)} " +
                      $"(op {f.Failed.InvokeIndex}), but by then the register could only hold {string.Join(" or ", f.States)}");
        if (!spec.Workload.SyncReads)
            lines.Add("reads were plain (workload.syncReads false): ZooKeeper lets followers serve stale reads, " +
                      "so a stale read here is ZooKeeper's documented behaviour, not necessarily a bug; rerun with syncReads true");
        if (spec.Client.Mode != "correct")
            lines.Add($"the client ran in the deliberately faulty '{spec.Client.Mode}' mode");
        return r with { Summary = string.Join("\n", lines) };
    }
}
