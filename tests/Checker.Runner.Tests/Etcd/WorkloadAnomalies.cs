using Checker.Core.History;

namespace Checker.Runner.Tests.Etcd;

/// <summary>
/// The anomalies each workload's faulty mode makes, found straight in a history: what the run tests
/// assert until the workloads' own checkers judge them (and then alongside them).
/// </summary>
public static class WorkloadAnomalies
{
    /// <summary>Each client op's invocation with its completion (null: it never completed).</summary>
    public static List<(Op Invoke, Op? Done)> Pairs(IReadOnlyList<Op> history)
    {
        var open = new Dictionary<int, Op>();
        var pairs = new List<(Op, Op?)>();
        foreach (var op in history.Where(o => !o.IsNemesis))
        {
            if (op.Type == OpType.Invoke) open[op.Process] = op;
            else if (open.Remove(op.Process, out var invoke)) pairs.Add((invoke, op));
        }
        pairs.AddRange(open.Values.Select(i => (i, (Op?)null)));
        return pairs;
    }

    /// <summary>Set: elements whose add was ok before the last ok read was invoked, yet missing from it; null when no read was ok.</summary>
    public static List<long>? LostAdds(IReadOnlyList<Op> history)
    {
        var pairs = Pairs(history);
        var final = pairs.LastOrDefault(p => p.Invoke.F == "read" && p.Done?.Type == OpType.Ok);
        if (final.Done is null) return null;
        var read = ((IEnumerable<object?>)final.Done.Value!).Select(v => (long)v!).ToHashSet();
        return pairs.Where(p => p.Invoke.F == "add" && p.Done?.Type == OpType.Ok && p.Done.Index < final.Invoke.Index)
            .Select(p => (long)p.Invoke.Value!).Where(x => !read.Contains(x)).ToList();
    }

    /// <summary>Queue: elements dequeued ok more than once.</summary>
    public static List<long> Duplicates(IReadOnlyList<Op> history) =>
        Dequeued(history).GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

    /// <summary>Queue: elements dequeued ok that no enqueue ever offered.</summary>
    public static List<long> Unexpected(IReadOnlyList<Op> history)
    {
        var offered = history.Where(o => o.Type == OpType.Invoke && o.F == "enqueue").Select(o => (long)o.Value!).ToHashSet();
        return Dequeued(history).Where(x => !offered.Contains(x)).ToList();
    }

    /// <summary>Queue: elements enqueued ok and never dequeued ok.</summary>
    public static List<long> Undelivered(IReadOnlyList<Op> history)
    {
        var taken = Dequeued(history).ToHashSet();
        return Pairs(history).Where(p => p.Invoke.F == "enqueue" && p.Done?.Type == OpType.Ok)
            .Select(p => (long)p.Invoke.Value!).Where(x => !taken.Contains(x)).ToList();
    }

    /// <summary>Queue: whether a dequeue invoked after every enqueue had completed found the queue empty.</summary>
    public static bool Drained(IReadOnlyList<Op> history)
    {
        var pairs = Pairs(history);
        var lastEnqueue = pairs.Where(p => p.Invoke.F == "enqueue").Select(p => p.Done?.Index ?? long.MaxValue).DefaultIfEmpty(-1).Max();
        return pairs.Any(p => p.Invoke.F == "dequeue" && p.Invoke.Index > lastEnqueue && p.Done is { Type: OpType.Fail, Error: "empty" });
    }

    static IEnumerable<long> Dequeued(IReadOnlyList<Op> history) =>
        history.Where(o => !o.IsNemesis && o.Type == OpType.Ok && o.F == "dequeue").Select(o => (long)o.Value!);

    /// <summary>Mutex: pairs of processes that both held the lock at once (each from its acquire ok to its next release's invocation).</summary>
    public static List<(int A, int B)> OverlappingHolders(IReadOnlyList<Op> history)
    {
        var holds = new List<(int Process, long From, long To)>();
        foreach (var (invoke, done) in Pairs(history).Where(p => p.Invoke.F == "acquire" && p.Done?.Type == OpType.Ok))
        {
            var release = history.FirstOrDefault(o => o.Process == invoke.Process && o.Type == OpType.Invoke && o.F == "release" && o.Index > done!.Index);
            holds.Add((invoke.Process, done!.Index, release?.Index ?? long.MaxValue));
        }
        return (from a in holds from b in holds where a.Process < b.Process && a.From < b.To && b.From < a.To select (a.Process, b.Process)).ToList();
    }

    /// <summary>Bank: ok reads that lack an account, hold a negative balance, or do not add up to the total.</summary>
    public static List<Op> BadReads(IReadOnlyList<Op> history, int accounts, long total) =>
        history.Where(o => !o.IsNemesis && o.Type == OpType.Ok && o.F == "read").Where(o =>
        {
            var balances = ((IDictionary<object, object?>)o.Value!).Values.Select(v => (long)v!).ToList();
            return balances.Count != accounts || balances.Any(b => b < 0) || balances.Sum() != total;
        }).ToList();
}
