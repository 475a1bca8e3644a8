using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Core.Workloads;

/// <summary>
/// One process certainly holding the lock: from its acquire's ok record to the invoke of its next release
/// that did not fail (after which it may have let go); open-ended (ReleaseIndex null) if it never released.
/// </summary>
/// <param name="AcquireIndex">Index of the acquire's invoke record.</param>
/// <param name="FromIndex">Index of the acquire's ok record: the process holds the lock from here.</param>
/// <param name="FromTime">That record's time (ns; -1 untimed).</param>
/// <param name="ReleaseIndex">Index of the release's invoke record; null: held to the end of the history.</param>
/// <param name="ToTime">That record's time; null when open-ended.</param>
public sealed record Holder(
    int Process,
    long AcquireIndex,
    long FromIndex,
    long FromTime,
    long? ReleaseIndex,
    long? ToTime
);

/// <summary>Two certain holders at once: the second acquired while the first had not begun to release.</summary>
public sealed record Overlap(Holder First, Holder Second);

/// <summary>
/// The longest anyone waited for the lock while it was refused: from the last grant (or the first op)
/// to an acquire the database refused. Facts, not a verdict: a holder that vanished keeps the lock
/// until its session or lease expires.
/// </summary>
/// <param name="FromIndex">The granting acquire's ok record; null when nothing had been granted yet.</param>
/// <param name="FromTime">That record's time (ns), or the first op's.</param>
/// <param name="ToIndex">The refusal's fail record.</param>
public sealed record LockWait(double Seconds, long? FromIndex, long FromTime, long ToIndex, long ToTime);

/// <summary>What the mutex checker found: the linearizability search's report, the holders, the overlaps (first 1000,
/// with the count) and the longest wait (null when untimed or nothing was refused).</summary>
public sealed record MutexReport(
    LinearizabilityReport Linearizability,
    int Acquired,
    int Holders,
    long Overlaps,
    IReadOnlyList<Overlap> FirstOverlaps,
    LockWait? LongestWait
);

/// <summary>
/// A single lock: acquire ok means this process now holds it, release ok that it let go. The history is
/// checked for linearizability against the mutex model, one object, not split by key. Beside that it lists
/// who certainly held the lock when (<see cref="Holder"/>) and every pair of certain holders that overlap.
/// The model does not know who holds the lock, so it accepts a release by another process in between;
/// an overlap does not depend on that (each process ends its own hold), so any overlap is invalid too:
/// two processes held the lock at once. An unknown search with no overlap stays unknown.
/// </summary>
public sealed class MutexChecker(LinearizabilityOptions? options = null) : IChecker
{
    public const string Acquire = "acquire",
        Release = "release";

    /// <summary>How a failed acquire's error begins when the database answered that another holds the lock.</summary>
    public const string NotGrantedError = "not granted";

    /// <summary>
    /// Whether a completion shows its node serving (for the recovery checker): an ok, or an acquire the
    /// database refused because another held the lock. A lock held by a session or lease that outlives
    /// its holder is not granted until that expires, by design, while every node answers.
    /// </summary>
    public static bool Answered(Op completion) =>
        completion.Type == OpType.Ok
        || (
            completion.Type == OpType.Fail
            && completion.F == Acquire
            && completion.Error is { } error
            && error.TrimStart(':').StartsWith(NotGrantedError, StringComparison.Ordinal)
        );

    readonly LinearizabilityOptions options = (options ?? new LinearizabilityOptions()) with
    {
        SplitByKey = false,
        Tuples = TupleKeys.Off,
    };

    public string Name => "mutex";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        List<ClientCall> calls;
        try
        {
            calls = ClientCalls.Of(history, options.Source, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new CheckResult(Name, Verdict.Unknown, "cancelled before the mutex was judged");
        }
        foreach (var c in calls)
            if (c.Invoke.Key is not null)
                throw new HistoryFormatException(
                    options.Source,
                    c.Invoke.Line,
                    $"op {c.Invoke.Index}: the mutex workload has a single lock, but this op names key "
                        + $"{Values.Format(c.Invoke.Key)}"
                );
        var lin = new LinearizabilityChecker(new MutexModel(null), options).Check(history, cancel);
        var linReport = (LinearizabilityReport)lin.Details!;
        var holders = Holders(calls);
        var (count, first) = Overlaps(holders);
        var wait = LongestWait(history);
        var report = new MutexReport(
            linReport,
            calls.Count(c => c.Invoke.F == Acquire && c.Outcome == OpType.Ok),
            holders.Count,
            count,
            first.Select(p => new Overlap(holders[p.A].View, holders[p.B].View)).ToList(),
            wait
        );
        var verdict = count > 0 ? Verdict.Invalid : lin.Verdict;
        var lines = new List<string>
        {
            lin.Summary,
            $"{holders.Count} acquires held the lock, {count} overlapping pairs of holders",
        };
        if (wait is not null)
        {
            var from = wait.FromIndex is { } g ? $"from the grant at op {g}" : "from the start";
            lines.Add(
                $"longest wait while the lock was refused: {wait.Seconds:0.0}s "
                    + $"({from}{At(wait.FromTime)} to the refusal at op {wait.ToIndex}{At(wait.ToTime)})"
            );
        }
        foreach (var o in report.FirstOverlaps.Take(5))
            lines.Add($"overlap: {Describe(o.First)} and {Describe(o.Second)}");
        if (count > 5)
            lines.Add($"... ({count - 5} more overlapping pairs)");
        if (count > 0 && lin.Verdict == Verdict.Valid)
            lines.Add(
                "the mutex model accepts the history (it does not know who holds the lock), but two processes "
                    + "held it at once"
            );
        return new CheckResult(Name, verdict, string.Join("\n", lines), report);
    }

    /// <summary>The longest time from a grant (ok acquire) to a later refusal with no grant between; null in an untimed
    /// history.</summary>
    static LockWait? LongestWait(IReadOnlyList<Op> history)
    {
        var clientOps = history.Where(o => !o.IsNemesis).ToList();
        if (clientOps.Count == 0 || clientOps.Any(o => o.Time < 0))
            return null;
        long? grant = null;
        var since = clientOps[0].Time;
        LockWait? longest = null;
        foreach (var op in clientOps.OrderBy(o => o.Time))
        {
            if (op.F != Acquire)
                continue;
            if (op.Type == OpType.Ok)
                (grant, since) = (op.Index, op.Time);
            else if (op.Type == OpType.Fail && Answered(op) && (op.Time - since) / 1e9 > (longest?.Seconds ?? -1))
                longest = new LockWait(Math.Round((op.Time - since) / 1e9, 3), grant, since, op.Index, op.Time);
        }
        return longest;
    }

    static string Describe(Holder h) =>
        $"process {h.Process} held it from op {h.FromIndex}{At(h.FromTime)} "
        + (h.ReleaseIndex is { } r ? $"until its release op {r}{At(h.ToTime)}" : "to the end (never released)");

    static string At(long? t) => t is >= 0 ? $" ({t.Value / 1e9:0.000} s)" : "";

    /// <summary>A holder with the history positions its overlaps are judged by.</summary>
    public sealed record Span(Holder View, int FromAt, int ToAt);

    /// <summary>Every certain holder of the lock, in the order they acquired it.</summary>
    public static List<Span> Holders(IReadOnlyList<ClientCall> calls)
    {
        var holding = new Dictionary<int, ClientCall>(); // process -> its ok acquire not yet followed by a release
        var spans = new List<Span>();
        foreach (var c in calls.OrderBy(c => c.InvokeAt))
        {
            if (c.Invoke.F == Acquire && c.Outcome == OpType.Ok)
            {
                holding.TryAdd(c.Invoke.Process, c); // acquired again without releasing: the first hold goes on
            }
            else if (
                c.Invoke.F == Release
                && c.Outcome != OpType.Fail
                && holding.Remove(c.Invoke.Process, out var acquired)
            )
            {
                var h = new Holder(
                    c.Invoke.Process,
                    acquired.Invoke.Index,
                    acquired.Completion!.Index,
                    acquired.Completion.Time,
                    c.Invoke.Index,
                    c.Invoke.Time
                );
                spans.Add(new Span(h, acquired.CompletedAt, c.InvokeAt));
            }
        }
        spans.AddRange(holding.Values.Select(Open));
        spans.Sort((a, b) => a.FromAt.CompareTo(b.FromAt));
        return spans;
    }

    static Span Open(ClientCall acquired) =>
        new(
            new Holder(
                acquired.Invoke.Process,
                acquired.Invoke.Index,
                acquired.Completion!.Index,
                acquired.Completion.Time,
                null,
                null
            ),
            acquired.CompletedAt,
            int.MaxValue
        );

    /// <summary>Pairs of holders whose spans intersect, by a sweep in acquire order; the count in full, the first 1000
    /// pairs kept.</summary>
    public static (long Count, List<(int A, int B)> First) Overlaps(List<Span> holders)
    {
        var active = new PriorityQueue<int, int>(); // holders still holding, by when they begin to release
        var count = 0L;
        var first = new List<(int, int)>();
        for (var i = 0; i < holders.Count; i++)
        {
            while (active.TryPeek(out _, out var to) && to < holders[i].FromAt)
                active.Dequeue();
            count += active.Count;
            if (first.Count < ElementList.Cap)
                foreach (var (a, _) in active.UnorderedItems.OrderBy(x => x.Element))
                    if (first.Count < ElementList.Cap)
                        first.Add((a, i));
            active.Enqueue(i, holders[i].ToAt);
        }
        return (count, first);
    }
}
