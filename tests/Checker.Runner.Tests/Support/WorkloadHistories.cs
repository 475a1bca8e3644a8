using Checker.Core.History;
using Checker.Runner.Workloads;

namespace Checker.Runner.Tests.Support;

/// <summary>
/// What a run's history shows, read directly: the anomalies each workload's faulty mode makes, and the
/// ones a correct run must not have. Kept apart from the run tests so that the workload checkers can
/// take over the verdicts while these stay as evidence of what the database really held.
/// </summary>
public static class WorkloadHistories
{
    static IEnumerable<(Op Invoke, Op Done)> Pairs(IReadOnlyList<Op> history)
    {
        var open = new Dictionary<long, Op>();
        foreach (var op in history.Where(o => !o.IsNemesis))
        {
            if (op.Type == OpType.Invoke) open[op.Process] = op;
            else if (open.Remove(op.Process, out var invoke)) yield return (invoke, op);
        }
    }

    static long Element(object? value) => (long)value!;

    /// <summary>The set's final read (the last ok read) and the elements of ok adds completed before it began that it lacks.</summary>
    public static (List<long> Final, List<long> Lost) SetLost(IReadOnlyList<Op> history)
    {
        var pairs = Pairs(history).ToList();
        var final = pairs.Last(p => p.Done.F == SetWorkload.Read && p.Done.Type == OpType.Ok);
        var read = ((IList<object?>)final.Done.Value!).Select(Element).ToList();
        var seen = read.ToHashSet();
        var lost = pairs.Where(p => p.Done.F == SetWorkload.Add && p.Done.Type == OpType.Ok && p.Done.Index < final.Invoke.Index)
            .Select(p => Element(p.Invoke.Value)).Where(x => !seen.Contains(x)).ToList();
        return (read, lost);
    }

    /// <summary>Elements of a set read that no add attempted, or whose add failed.</summary>
    public static List<long> SetUnexpected(IReadOnlyList<Op> history)
    {
        var pairs = Pairs(history).ToList();
        var attempted = pairs.Where(p => p.Invoke.F == SetWorkload.Add && p.Done.Type != OpType.Fail).Select(p => Element(p.Invoke.Value)).ToHashSet();
        return pairs.Where(p => p.Done.F == SetWorkload.Read && p.Done.Type == OpType.Ok)
            .SelectMany(p => ((IList<object?>)p.Done.Value!).Select(Element)).Where(x => !attempted.Contains(x)).Distinct().ToList();
    }

    /// <summary>Elements dequeued ok more than once.</summary>
    public static List<long> QueueDuplicated(IReadOnlyList<Op> history) =>
        Dequeued(history).GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

    /// <summary>Elements dequeued ok that no enqueue attempted, or whose enqueue failed.</summary>
    public static List<long> QueueUnexpected(IReadOnlyList<Op> history)
    {
        var attempted = Pairs(history).Where(p => p.Invoke.F == QueueWorkload.Enqueue && p.Done.Type != OpType.Fail).Select(p => Element(p.Invoke.Value)).ToHashSet();
        return Dequeued(history).Where(x => !attempted.Contains(x)).Distinct().ToList();
    }

    /// <summary>
    /// Ok enqueues never dequeued, and how many dequeues ended unknown (each may have taken one), when the
    /// queue was drained: a dequeue invoked after every enqueue completed found it empty. Null when not drained.
    /// </summary>
    public static (List<long> Lost, int InfoDequeues)? QueueLost(IReadOnlyList<Op> history)
    {
        var pairs = Pairs(history).ToList();
        var lastEnqueue = pairs.Where(p => p.Invoke.F == QueueWorkload.Enqueue).Select(p => p.Done.Index).DefaultIfEmpty(-1).Max();
        if (!pairs.Any(p => p.Done.F == QueueWorkload.Dequeue && p.Done.Error == QueueWorkload.Empty && p.Invoke.Index > lastEnqueue)) return null;
        var dequeued = Dequeued(history).ToHashSet();
        var lost = pairs.Where(p => p.Invoke.F == QueueWorkload.Enqueue && p.Done.Type == OpType.Ok).Select(p => Element(p.Invoke.Value))
            .Where(x => !dequeued.Contains(x)).ToList();
        return (lost, pairs.Count(p => p.Done.F == QueueWorkload.Dequeue && p.Done.Type == OpType.Info));
    }

    static IEnumerable<long> Dequeued(IReadOnlyList<Op> history) =>
        Pairs(history).Where(p => p.Done.F == QueueWorkload.Dequeue && p.Done.Type == OpType.Ok).Select(p => Element(p.Done.Value));

    /// <summary>
    /// Pairs of processes that both certainly held the lock at once: each from its ok acquire to the
    /// invoke of the release that ended it (ok or unknown; a failed release leaves the lock held).
    /// </summary>
    public static List<(long A, long B)> MutexOverlaps(IReadOnlyList<Op> history)
    {
        var holds = new List<(long Process, long From, long To)>();
        var since = new Dictionary<long, long>();
        foreach (var (invoke, done) in Pairs(history))
        {
            if (done.F == MutexWorkload.Acquire && done.Type == OpType.Ok) since[done.Process] = done.Time;
            else if (done.F == MutexWorkload.Release && done.Type != OpType.Fail && since.Remove(done.Process, out var from))
                holds.Add((done.Process, from, invoke.Time));
        }
        holds.AddRange(since.Select(s => (s.Key, s.Value, long.MaxValue)));
        return (from a in holds from b in holds where a.Process < b.Process && a.From < b.To && b.From < a.To select (a.Process, b.Process)).ToList();
    }

    /// <summary>Ok bank reads whose total is not the expected one, or with a negative or missing balance.</summary>
    public static List<Op> BankBadReads(IReadOnlyList<Op> history, int accounts, long total) =>
        Pairs(history).Where(p => p.Done.F == BankWorkload.Read && p.Done.Type == OpType.Ok).Select(p => p.Done).Where(read =>
        {
            var balances = (IDictionary<object, object?>)read.Value!;
            var values = Enumerable.Range(0, accounts).Select(i => Balance(balances, i)).ToList();
            return values.Any(v => v is null or < 0) || values.Sum() != total;
        }).ToList();

    static long? Balance(IDictionary<object, object?> balances, int account) =>
        balances.TryGetValue((long)account, out var v) || balances.TryGetValue(account.ToString(System.Globalization.CultureInfo.InvariantCulture), out v) ? (long?)v : null;

    /// <summary>
    /// A queue check that is valid, or unknown only because each acknowledged element never dequeued may
    /// have been taken by a dequeue of unknown outcome (a delete whose answer was lost): an honest unknown
    /// a correct database can give under faults, with nothing duplicated, made up or undrained.
    /// </summary>
    public static bool ValidOrLostOnlyToIndeterminateDequeues(Core.Checks.CheckResult queue) =>
        queue.Verdict == Core.Checks.Verdict.Valid
        || (queue.Verdict == Core.Checks.Verdict.Unknown && queue.Details is Core.Workloads.QueueReport r
            && r.LostJudged == "unknown" && r.CertainlyLost == 0 && r.NotDrained == 0
            && r.Duplicated.Count + r.Unexpected.Count + r.FailedButPresent.Count == 0);
}
