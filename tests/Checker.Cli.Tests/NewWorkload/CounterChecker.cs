using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Workloads;

namespace Checker.Cli.Tests.NewWorkload;

/// <summary>What the counter checker found.</summary>
/// <param name="FirstBadRead">The invoke index of the first read outside what the adds allow, or null.</param>
public sealed record CounterReport(int Adds, int Reads, int OutOfBounds, long? FirstBadRead);

/// <summary>
/// A counter that only grows: an ok read must see at least every add acknowledged before the read
/// began, and at most every add not failed that began before the read ended. Anything else is invalid.
/// Part of a sixth workload added the way docs/extending.md says: this file is what would go to Core.
/// </summary>
public sealed class CounterChecker : IChecker
{
    public const string Add = "add", Read = "read";

    /// <summary>The workload's descriptor: the one thing registered in the catalog.</summary>
    public static readonly WorkloadDescriptor Workload = new("counter")
    {
        Checker = _ => new CounterChecker(),
        DetailType = typeof(CounterReport),
        FaultyMode = new("drop-adds", "acknowledges some adds without applying them"),
        Writes = op => op.F == Add,
    };

    public string Name => Workload.Name;

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        var invokes = new Dictionary<int, Op>();
        var adds = new List<(long Invoked, long Completed, long Amount, OpType Type)>();
        var reads = new List<(long Invoked, long Completed, long Value)>();
        foreach (var op in history.Where(o => !o.IsNemesis))
        {
            if (op.Type == OpType.Invoke)
            {
                invokes[op.Process] = op;
                continue;
            }
            if (!invokes.Remove(op.Process, out var invoke)) continue;
            if (op.F == Add) adds.Add((invoke.Index, op.Index, Convert.ToInt64(invoke.Value), op.Type));
            else if (op.F == Read && op.Type == OpType.Ok)
                reads.Add((invoke.Index, op.Index, Convert.ToInt64(op.Value)));
        }
        // Adds never completed may have happened at any time after they began.
        adds.AddRange(invokes.Values.Where(i => i.F == Add)
            .Select(i => (i.Index, long.MaxValue, Convert.ToInt64(i.Value), OpType.Info)));
        var bad = reads.Where(r =>
            r.Value < adds.Where(a => a.Type == OpType.Ok && a.Completed < r.Invoked).Sum(a => a.Amount)
            || r.Value > adds.Where(a => a.Type != OpType.Fail && a.Invoked < r.Completed).Sum(a => a.Amount)).ToList();
        var report = new CounterReport(adds.Count, reads.Count, bad.Count, bad.Count > 0 ? bad[0].Invoked : null);
        return bad.Count == 0
            ? new CheckResult(Name, Verdict.Valid, $"{reads.Count} reads, each within what {adds.Count} adds allow",
                report)
            : new CheckResult(Name, Verdict.Invalid,
                $"{bad.Count} of {reads.Count} reads outside what the adds allow (first: op {bad[0].Invoked})", report);
    }
}
