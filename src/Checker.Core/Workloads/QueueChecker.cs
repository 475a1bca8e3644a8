using System.Runtime.InteropServices;
using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Workloads;

/// <summary>What the queue checker found; element lists are capped (<see cref="ElementList.Cap"/>) with full counts.</summary>
/// <param name="EmptyDequeues">Dequeues that failed with "empty": the queue was certainly empty then.</param>
/// <param name="IndeterminateDequeues">Dequeues that ended info or never ended: each may have taken one element.</param>
/// <param name="DrainedAtIndex">Invoke index of the last "empty" dequeue: acknowledged enqueues before it must have been dequeued. Null: never drained.</param>
/// <param name="Lost">Acknowledged before the drain and never dequeued ok.</param>
/// <param name="CertainlyLost">How many of Lost no indeterminate dequeue can account for (Lost - IndeterminateDequeues, at least 0).</param>
/// <param name="NotDrained">Acknowledged enqueues never dequeued and not followed by an "empty" dequeue: not judged.</param>
/// <param name="LostJudged">"none", "invalid" (more lost than indeterminate dequeues), "unknown" (the indeterminate dequeues may have taken them), or "not drained".</param>
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
    ElementList FailedButPresent);

/// <summary>
/// Jepsen's total-queue checker, made exact. Clients enqueue unique integers and dequeue them; a dequeue
/// that finds the queue certainly empty fails with error "empty". An element dequeued ok more often than it
/// was enqueued is duplicated, one never enqueued unexpected, one whose enqueue failed yet was dequeued is
/// failed-but-present: each is invalid. An acknowledged enqueue must be dequeued if a later dequeue found
/// the queue empty: if it never was, it is lost, unless an indeterminate dequeue took it, and each of those
/// can have taken at most one element. So lost elements are invalid only when they outnumber the
/// indeterminate dequeues; otherwise, and for acknowledged elements no "empty" dequeue followed, unknown.
/// </summary>
public sealed class QueueChecker(string source = "history") : IChecker
{
    public const string Enqueue = "enqueue", Dequeue = "dequeue", EmptyError = "empty";

    public string Name => "queue";

    struct Entry
    {
        public long AddIndex, AddTime;
        public int OkAt;          // the earliest ok enqueue's completion; int.MaxValue: none
        public int MaybeEnqueued; // enqueues of it that did not fail
        public bool Attempted;
        public int Seen;          // ok dequeues of it
        public int SeenCall;      // the call of the first one; -1: none
    }

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default) =>
        ClientCalls.UnlessCancelled(Name, "cancelled before the queue was judged", () => Judge(history, cancel), cancel);

    CheckResult Judge(IReadOnlyList<Op> history, CancellationToken cancel)
    {
        var calls = ClientCalls.Of(history, source, cancel);
        var entries = new Dictionary<long, Entry>();
        int attempted = 0, acknowledged = 0, dequeued = 0, empty = 0, indeterminate = 0;
        var drainedAt = -1; // invoke position of the last "empty" dequeue
        for (var c = 0; c < calls.Count; c++)
        {
            if ((c & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
            var call = calls[c];
            if (call.Invoke.F == Enqueue)
            {
                var x = ClientCalls.Integer(call.Invoke.Value, call.Invoke, source, "an enqueued element");
                ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, x, out var existed);
                if (!existed) e = new Entry { OkAt = int.MaxValue, SeenCall = -1 };
                if (!e.Attempted)
                {
                    (e.Attempted, e.AddIndex, e.AddTime) = (true, call.Invoke.Index, call.Invoke.Time);
                    attempted++;
                }
                if (call.Outcome != OpType.Fail) e.MaybeEnqueued++;
                if (call.Outcome == OpType.Ok && e.OkAt == int.MaxValue) acknowledged++;
                e.OkAt = Math.Min(e.OkAt, call.OkAt);
            }
            else if (call.Invoke.F == Dequeue)
            {
                switch (call.Outcome)
                {
                    case OpType.Ok:
                        var x = ClientCalls.Integer(call.Completion!.Value, call.Completion, source, "a dequeue's ok value (the element taken)");
                        ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, x, out var existed);
                        if (!existed) e = new Entry { OkAt = int.MaxValue, SeenCall = -1 };
                        e.Seen++;
                        if (e.SeenCall < 0) e.SeenCall = c;
                        dequeued++;
                        break;
                    case OpType.Fail when IsEmpty(call.Completion!):
                        empty++;
                        drainedAt = Math.Max(drainedAt, call.InvokeAt);
                        break;
                    case OpType.Fail: break; // certainly took nothing
                    default: indeterminate++; break;
                }
            }
            else throw new HistoryFormatException(source, call.Invoke.Line, $"op {call.Invoke.Index}: the queue checker has no operation '{call.Invoke.F}' (enqueue, dequeue)");
        }

        List<ElementEvent> lost = [], duplicated = [], unexpected = [], failedPresent = [];
        int recovered = 0, notDrained = 0;
        foreach (var (x, e) in entries)
        {
            if (e.Seen == 0)
            {
                if (e.OkAt == int.MaxValue) continue; // never acknowledged: it may never have been enqueued
                if (e.OkAt < drainedAt) lost.Add(Event(x, e, calls));
                else notDrained++;
                continue;
            }
            if (!e.Attempted) unexpected.Add(Event(x, e, calls));
            else if (e.MaybeEnqueued == 0) failedPresent.Add(Event(x, e, calls));
            else
            {
                if (e.Seen > e.MaybeEnqueued) duplicated.Add(Event(x, e, calls));
                if (e.OkAt == int.MaxValue) recovered++;
            }
        }
        var certainlyLost = Math.Max(0, lost.Count - indeterminate);
        var lostJudged = certainlyLost > 0 ? "invalid" : lost.Count > 0 ? "unknown" : notDrained > 0 ? "not drained" : "none";
        var report = new QueueReport(attempted, acknowledged, dequeued, empty, indeterminate,
            drainedAt >= 0 ? history[drainedAt].Index : null, recovered, notDrained, certainlyLost, lostJudged,
            ElementList.Of(lost), ElementList.Of(duplicated), ElementList.Of(unexpected), ElementList.Of(failedPresent));
        return new CheckResult(Name, VerdictOf(report), Summarize(report), report);
    }

    static bool IsEmpty(Op fail) => fail.Error is { } error && error.TrimStart(':') == EmptyError;

    /// <summary>Whether a completion is the database answering: ok, or a dequeue that found the queue empty (for the recovery check).</summary>
    public static bool Answered(Op completion) =>
        completion.Type == OpType.Ok || (completion.Type == OpType.Fail && completion.F == Dequeue && IsEmpty(completion));

    static Verdict VerdictOf(QueueReport r) =>
        r.CertainlyLost + r.Duplicated.Count + r.Unexpected.Count + r.FailedButPresent.Count > 0 ? Verdict.Invalid
        : r.Lost.Count + r.NotDrained > 0 ? Verdict.Unknown
        : Verdict.Valid;

    static string Summarize(QueueReport r)
    {
        var lines = new List<string>
        {
            $"{r.Attempted} elements enqueued ({r.Acknowledged} acknowledged), {r.Dequeued} dequeued ok ({r.Recovered} recovered from indeterminate enqueues), " +
            $"{r.EmptyDequeues} dequeues found it empty, {r.IndeterminateDequeues} indeterminate; " +
            $"{r.Lost.Count} lost, {r.Duplicated.Count} duplicated, {r.Unexpected.Count} unexpected, {r.FailedButPresent.Count} failed but present",
        };
        if (r.Lost.Count > 0)
            lines.Add(r.CertainlyLost > 0
                ? $"lost: {r.Lost.Count} acknowledged elements were never dequeued though a later dequeue found the queue empty; the {r.IndeterminateDequeues} indeterminate dequeues " +
                  $"can account for at most {r.IndeterminateDequeues}, so at least {r.CertainlyLost} are lost: {r.Lost.Name("enqueued", "dequeued")}"
                : $"{r.Lost.Count} acknowledged elements were never dequeued though a later dequeue found the queue empty, but the {r.IndeterminateDequeues} " +
                  $"indeterminate dequeues may have taken them, so none is certainly lost: {r.Lost.Name("enqueued", "dequeued")}");
        if (r.Duplicated.Count > 0) lines.Add($"duplicated (dequeued more often than enqueued): {r.Duplicated.Name("enqueued", "dequeued")}");
        if (r.Unexpected.Count > 0) lines.Add($"unexpected (dequeued, never enqueued): {r.Unexpected.Name("enqueued", "dequeued")}");
        if (r.FailedButPresent.Count > 0) lines.Add($"failed but present (the enqueue failed, yet it was dequeued): {r.FailedButPresent.Name("enqueued", "dequeued")}");
        if (r.NotDrained > 0)
            lines.Add(r.DrainedAtIndex is null
                ? $"not drained: no dequeue found the queue empty, so the {r.NotDrained} acknowledged elements never dequeued are not judged lost or kept"
                : $"not drained: {r.NotDrained} acknowledged elements never dequeued were acknowledged after the last dequeue that found the queue empty (op {r.DrainedAtIndex}): not judged");
        return string.Join("\n", lines);
    }

    static ElementEvent Event(long x, Entry e, List<ClientCall> calls)
    {
        var seen = e.SeenCall >= 0 ? calls[e.SeenCall].Completion : null;
        return new ElementEvent(x, e.Attempted ? e.AddIndex : null, e.Attempted ? e.AddTime : null, seen?.Index, seen?.Time, e.Seen);
    }
}
