using System.Runtime.InteropServices;
using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Workloads;

/// <summary>What the queue checker found; element lists are capped (<see cref="ElementList.Cap"/>) with full
/// counts.</summary>
/// <param name="EmptyDequeues">Dequeues that failed with "empty": the queue was certainly empty then.</param>
/// <param name="IndeterminateDequeues">Dequeues that ended info or never ended: each may have taken one
/// element.</param>
/// <param name="DrainedAtIndex">Invoke index of the last "empty" dequeue: acknowledged enqueues before it must have
/// been dequeued. Null: never drained.</param>
/// <param name="Lost">Acknowledged before the drain and never dequeued ok.</param>
/// <param name="NotDrained">Acknowledged enqueues never dequeued and not followed by an "empty" dequeue: not
/// judged.</param>
/// <param name="CertainlyLost">How many of Lost no indeterminate dequeue can account for: each takes at most one
/// element, and only one it began before the queue was found empty after the element's enqueue (one begun later
/// cannot explain that emptiness).</param>
/// <param name="LostJudged">"none", "invalid" (more lost than indeterminate dequeues), "unknown" (the indeterminate
/// dequeues may have taken them), or "not drained".</param>
/// <param name="EmptyWhileQueued">Dequeues that answered "empty" while an acknowledged element was certainly in
/// the queue: enqueued before the dequeue began, dequeued only after it ended (how many, the first ones).</param>
public sealed record QueueReport(
    int Attempted,
    int Acknowledged,
    int Dequeued,
    int EmptyDequeues,
    int IndeterminateDequeues,
    long? DrainedAtIndex,
    int Recovered,
    int NotDrained,
    int CertainlyLost,
    string LostJudged,
    ElementList Lost,
    ElementList Duplicated,
    ElementList Unexpected,
    ElementList FailedButPresent,
    int EmptyWhileQueuedCount = 0,
    IReadOnlyList<EmptyWhileQueued>? EmptyWhileQueued = null
);

/// <summary>An "empty" answer while an element was in the queue, named by the records that show it.</summary>
/// <param name="EnqueuedIndex">The invoke index of an enqueue of it acknowledged before the empty one began.</param>
/// <param name="EmptyIndex">The invoke index of the dequeue that answered "empty".</param>
/// <param name="DequeuedIndex">The invoke index of its first ok dequeue, begun after the empty one ended.</param>
public sealed record EmptyWhileQueued(long Element, long EnqueuedIndex, long EmptyIndex, long DequeuedIndex);

/// <summary>
/// Jepsen's total-queue checker, made exact. Clients enqueue unique integers and dequeue them; a dequeue
/// that finds the queue certainly empty fails with error "empty". An element dequeued ok more often than it
/// was enqueued is duplicated, one never enqueued unexpected, one whose enqueue failed yet was dequeued is
/// failed-but-present: each is invalid. An acknowledged enqueue must be dequeued if a later dequeue found
/// the queue empty: if it never was, it is lost, unless an indeterminate dequeue took it, and each of those
/// can have taken at most one element, and only if it began before that "empty" answer ended. So lost elements
/// are invalid only when they outnumber the indeterminate dequeues that could have taken them; otherwise, and
/// for acknowledged elements no "empty" dequeue followed, unknown. An "empty" answer is certain: one given while
/// an acknowledged element was in the queue (enqueued before the dequeue began, dequeued ok only after it
/// ended, with no copy to spare for an indeterminate dequeue) is invalid.
/// </summary>
public sealed class QueueChecker(string source = "history") : IChecker
{
    public const string Enqueue = "enqueue",
        Dequeue = "dequeue",
        EmptyError = "empty";

    public string Name => "queue";

    struct Entry
    {
        public long AddIndex,
            AddTime;
        public int OkAt; // the earliest ok enqueue's completion; int.MaxValue: none
        public int MaybeEnqueued; // enqueues of it that did not fail
        public bool Attempted;
        public int Seen; // ok dequeues of it
        public int SeenCall; // the call of the first one; -1: none
        public int OkEnqueueCall; // the call of its earliest acknowledged enqueue; -1: none
        public int FirstDequeueInvokeAt; // the earliest invoke of an ok dequeue of it; int.MaxValue: none
        public int FirstDequeueCall;
    }

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default) =>
        ClientCalls.UnlessCancelled(
            Name,
            "cancelled before the queue was judged",
            () => Judge(history, cancel),
            cancel
        );

    CheckResult Judge(IReadOnlyList<Op> history, CancellationToken cancel)
    {
        var calls = ClientCalls.Of(history, source, cancel);
        var entries = new Dictionary<long, Entry>();
        int attempted = 0,
            acknowledged = 0,
            dequeued = 0,
            empty = 0,
            indeterminate = 0;
        var drainedAt = -1; // invoke position of the last "empty" dequeue
        var empties = new List<int>(); // the "empty" dequeues, as calls
        var indeterminateInvokes = new List<int>(); // invoke positions of the indeterminate dequeues
        for (var c = 0; c < calls.Count; c++)
        {
            if ((c & 0xFFFF) == 0)
                cancel.ThrowIfCancellationRequested();
            var call = calls[c];
            if (call.Invoke.F == Enqueue)
            {
                var x = ClientCalls.Integer(call.Invoke.Value, call.Invoke, source, "an enqueued element");
                ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, x, out var existed);
                if (!existed)
                    e = NewEntry();
                if (!e.Attempted)
                {
                    (e.Attempted, e.AddIndex, e.AddTime) = (true, call.Invoke.Index, call.Invoke.Time);
                    attempted++;
                }
                if (call.Outcome != OpType.Fail)
                    e.MaybeEnqueued++;
                if (call.Outcome == OpType.Ok && e.OkAt == int.MaxValue)
                    acknowledged++;
                if (call.OkAt < e.OkAt)
                    (e.OkAt, e.OkEnqueueCall) = (call.OkAt, c);
            }
            else if (call.Invoke.F == Dequeue)
            {
                switch (call.Outcome)
                {
                    case OpType.Ok:
                        var x = ClientCalls.Integer(
                            call.Completion!.Value,
                            call.Completion,
                            source,
                            "a dequeue's ok value (the element taken)"
                        );
                        ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, x, out var existed);
                        if (!existed)
                            e = NewEntry();
                        e.Seen++;
                        if (e.SeenCall < 0)
                            e.SeenCall = c;
                        if (call.InvokeAt < e.FirstDequeueInvokeAt)
                            (e.FirstDequeueInvokeAt, e.FirstDequeueCall) = (call.InvokeAt, c);
                        dequeued++;
                        break;
                    case OpType.Fail when IsEmpty(call.Completion!):
                        empty++;
                        drainedAt = Math.Max(drainedAt, call.InvokeAt);
                        empties.Add(c);
                        break;
                    case OpType.Fail:
                        break; // certainly took nothing
                    default:
                        indeterminate++;
                        indeterminateInvokes.Add(call.InvokeAt);
                        break;
                }
            }
            else
                throw new HistoryFormatException(
                    source,
                    call.Invoke.Line,
                    $"op {call.Invoke.Index}: the queue checker has no operation '{call.Invoke.F}' (enqueue, dequeue)"
                );
        }

        // Calls are in invoke order, so the empty dequeues are too: for each, the first to end of it and those after.
        var firstToEndFrom = new int[empties.Count];
        for (var i = empties.Count - 1; i >= 0; i--)
        {
            var later = i + 1 < empties.Count ? firstToEndFrom[i + 1] : -1;
            var laterEndsFirst = later >= 0 && calls[empties[later]].CompletedAt < calls[empties[i]].CompletedAt;
            firstToEndFrom[i] = laterEndsFirst ? later : i;
        }
        // The first "empty" answer to end of those begun after `at`: (its end, its call), or (int.MaxValue, -1).
        (int End, int Call) FirstEmptyAfter(int at)
        {
            var lo = 0;
            var hi = empties.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (calls[empties[mid]].InvokeAt > at)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            if (lo == empties.Count)
                return (int.MaxValue, -1);
            var call = empties[firstToEndFrom[lo]];
            return (calls[call].CompletedAt, call);
        }

        List<ElementEvent> lost = [],
            duplicated = [],
            unexpected = [],
            failedPresent = [];
        var lostDeadlines = new List<int>(); // per lost element: a dequeue begun before this may have taken it
        var emptyWhileQueued = new List<EmptyWhileQueued>();
        int recovered = 0,
            notDrained = 0,
            emptyWhileQueuedCount = 0;
        foreach (var (x, e) in entries)
        {
            var (emptyEnd, emptyCall) = e.OkAt == int.MaxValue ? (int.MaxValue, -1) : FirstEmptyAfter(e.OkAt);
            if (e.Seen == 0)
            {
                if (e.OkAt == int.MaxValue)
                    continue; // never acknowledged: it may never have been enqueued
                if (e.OkAt < drainedAt)
                {
                    lost.Add(Event(x, e, calls));
                    lostDeadlines.Add(emptyEnd);
                }
                else
                    notDrained++;
                continue;
            }
            // Acknowledged before an "empty" answer began and dequeued only after it ended: in the queue all along,
            // unless an indeterminate dequeue took a copy, which needs a copy more than the ok dequeues took.
            if (emptyCall >= 0 && emptyEnd < e.FirstDequeueInvokeAt && e.Seen >= e.MaybeEnqueued)
            {
                if (emptyWhileQueued.Count < ElementList.Cap)
                    emptyWhileQueued.Add(
                        new EmptyWhileQueued(
                            x,
                            calls[e.OkEnqueueCall].Invoke.Index,
                            calls[emptyCall].Invoke.Index,
                            calls[e.FirstDequeueCall].Invoke.Index
                        )
                    );
                emptyWhileQueuedCount++;
            }
            if (!e.Attempted)
                unexpected.Add(Event(x, e, calls));
            else if (e.MaybeEnqueued == 0)
                failedPresent.Add(Event(x, e, calls));
            else
            {
                if (e.Seen > e.MaybeEnqueued)
                    duplicated.Add(Event(x, e, calls));
                if (e.OkAt == int.MaxValue)
                    recovered++;
            }
        }
        var certainlyLost = lost.Count - MostTakenBy(indeterminateInvokes, lostDeadlines);
        var lostJudged =
            certainlyLost > 0 ? "invalid"
            : lost.Count > 0 ? "unknown"
            : notDrained > 0 ? "not drained"
            : "none";
        var report = new QueueReport(
            attempted,
            acknowledged,
            dequeued,
            empty,
            indeterminate,
            drainedAt >= 0 ? history[drainedAt].Index : null,
            recovered,
            notDrained,
            certainlyLost,
            lostJudged,
            ElementList.Of(lost),
            ElementList.Of(duplicated),
            ElementList.Of(unexpected),
            ElementList.Of(failedPresent),
            emptyWhileQueuedCount,
            emptyWhileQueued.OrderBy(w => w.EnqueuedIndex).ToList()
        );
        return new CheckResult(Name, VerdictOf(report), Summarize(report), report);
    }

    static Entry NewEntry() =>
        new()
        {
            OkAt = int.MaxValue,
            SeenCall = -1,
            OkEnqueueCall = -1,
            FirstDequeueInvokeAt = int.MaxValue,
            FirstDequeueCall = -1,
        };

    /// <summary>
    /// How many lost elements the indeterminate dequeues can account for at most: each takes one element, and
    /// only one whose deadline (the end of the "empty" answer that shows it gone) comes after its invoke. The
    /// dequeues each element may use are a prefix of them in invoke order, so serving the earliest deadlines
    /// first is a largest matching.
    /// </summary>
    static int MostTakenBy(List<int> dequeueInvokes, List<int> deadlines)
    {
        dequeueInvokes.Sort();
        deadlines.Sort();
        int matched = 0,
            available = 0;
        foreach (var deadline in deadlines)
        {
            while (available < dequeueInvokes.Count && dequeueInvokes[available] < deadline)
                available++;
            if (available > matched)
                matched++;
        }
        return matched;
    }

    static bool IsEmpty(Op fail) => fail.Error is { } error && error.TrimStart(':') == EmptyError;

    /// <summary>Whether a completion is the database answering: ok, or a dequeue that found the queue empty (for the
    /// recovery check).</summary>
    public static bool Answered(Op completion) =>
        completion.Type == OpType.Ok
        || (completion.Type == OpType.Fail && completion.F == Dequeue && IsEmpty(completion));

    static Verdict VerdictOf(QueueReport r) =>
        r.CertainlyLost + r.Duplicated.Count + r.Unexpected.Count + r.FailedButPresent.Count + r.EmptyWhileQueuedCount
        > 0
            ? Verdict.Invalid
        : r.Lost.Count + r.NotDrained > 0 ? Verdict.Unknown
        : Verdict.Valid;

    static string Summarize(QueueReport r)
    {
        var lines = new List<string>
        {
            $"{r.Attempted} elements enqueued ({r.Acknowledged} acknowledged), {r.Dequeued} dequeued ok "
                + $"({r.Recovered} recovered from indeterminate enqueues), "
                + $"{r.EmptyDequeues} dequeues found it empty, {r.IndeterminateDequeues} indeterminate; "
                + $"{r.Lost.Count} lost, {r.Duplicated.Count} duplicated, {r.Unexpected.Count} unexpected, "
                + $"{r.FailedButPresent.Count} failed but present",
        };
        if (r.Lost.Count > 0)
            lines.Add(
                r.CertainlyLost > 0
                    ? $"lost: {r.Lost.Count} acknowledged elements were never dequeued though a later dequeue "
                        + $"found the queue empty; the {r.IndeterminateDequeues} indeterminate dequeues "
                        + $"can account for at most {r.Lost.Count - r.CertainlyLost} (one each, begun before that "
                        + $"empty answer ended), so at least {r.CertainlyLost} are lost: "
                        + r.Lost.Name("enqueued", "dequeued")
                    : $"{r.Lost.Count} acknowledged elements were never dequeued though a later dequeue found the "
                        + $"queue empty, but the {r.IndeterminateDequeues} "
                        + $"indeterminate dequeues may have taken them, so none is certainly lost: "
                        + $"{r.Lost.Name("enqueued", "dequeued")}"
            );
        if (r.EmptyWhileQueuedCount > 0)
            lines.Add(
                $"empty while queued: {r.EmptyWhileQueuedCount} elements were in the queue when a dequeue "
                    + $"answered \"empty\": "
                    + string.Join(
                        ", ",
                        (r.EmptyWhileQueued ?? [])
                            .Take(5)
                            .Select(w =>
                                $"{w.Element} (enqueued op {w.EnqueuedIndex}, empty op {w.EmptyIndex}, dequeued "
                                + $"op {w.DequeuedIndex})"
                            )
                    )
                    + (r.EmptyWhileQueuedCount > 5 ? $", ... ({r.EmptyWhileQueuedCount - 5} more)" : "")
            );
        if (r.Duplicated.Count > 0)
            lines.Add($"duplicated (dequeued more often than enqueued): {r.Duplicated.Name("enqueued", "dequeued")}");
        if (r.Unexpected.Count > 0)
            lines.Add($"unexpected (dequeued, never enqueued): {r.Unexpected.Name("enqueued", "dequeued")}");
        if (r.FailedButPresent.Count > 0)
            lines.Add(
                $"failed but present (the enqueue failed, yet it was dequeued): "
                    + $"{r.FailedButPresent.Name("enqueued", "dequeued")}"
            );
        if (r.NotDrained > 0)
            lines.Add(
                r.DrainedAtIndex is null
                    ? $"not drained: no dequeue found the queue empty, so the {r.NotDrained} acknowledged "
                        + $"elements never dequeued are not judged lost or kept"
                    : $"not drained: {r.NotDrained} acknowledged elements never dequeued were acknowledged after "
                        + $"the last dequeue that found the queue empty (op {r.DrainedAtIndex}): not judged"
            );
        return string.Join("\n", lines);
    }

    static ElementEvent Event(long x, Entry e, List<ClientCall> calls)
    {
        var seen = e.SeenCall >= 0 ? calls[e.SeenCall].Completion : null;
        return new ElementEvent(
            x,
            e.Attempted ? e.AddIndex : null,
            e.Attempted ? e.AddTime : null,
            seen?.Index,
            seen?.Time,
            e.Seen
        );
    }
}
