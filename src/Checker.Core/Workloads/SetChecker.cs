using System.Collections;
using System.Runtime.InteropServices;
using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Workloads;

/// <summary>What the set checker found; element lists are capped (<see cref="ElementList.Cap"/>) with full
/// counts.</summary>
/// <param name="FinalReadIndex">Index of the final read's ok record (null: the set was never read).</param>
/// <param name="FinalReadInvokeIndex">Index of its invoke: the adds judged are those acknowledged before it.</param>
/// <param name="Ok">Elements the final read shows whose add was attempted (and not failed).</param>
/// <param name="Recovered">Of those, elements whose add was indeterminate: it did happen.</param>
/// <param name="Indeterminate">Elements absent from the final read whose add was indeterminate, or concurrent with the
/// read: either way is fine.</param>
/// <param name="AddedAfterFinalRead">Adds (not failed) invoked after the final read completed: the read says nothing
/// about them.</param>
public sealed record SetReport(
    int Attempted,
    int Acknowledged,
    long? FinalReadIndex,
    long? FinalReadInvokeIndex,
    long? FinalReadTime,
    int FinalReadSize,
    int Ok,
    int Recovered,
    int Indeterminate,
    int AddedAfterFinalRead,
    ElementList Lost,
    ElementList Unexpected,
    ElementList FailedButPresent
);

/// <summary>
/// Jepsen's set checker, made exact. Clients add unique integers and read the whole set; the final read is
/// the last ok read invoked. An element acknowledged (add ok) or read before the final read was invoked must
/// be in it, as the set only grows: missing, it is lost (as in Jepsen's set-full, an indeterminate add once
/// read counts). An element no add ever tried is unexpected; one whose add failed
/// (certainly did not happen) yet is read anywhere is failed-but-present. Any of these is invalid. An
/// indeterminate add may show up (recovered) or not, and an add concurrent with the final read may or may
/// not be in it: neither is judged. Without an ok read, or with adds invoked after the final read ended,
/// the set's growth was not fully observed: unknown, never valid.
/// </summary>
public sealed class SetChecker(string source = "history") : IChecker
{
    public const string Add = "add",
        Read = "read";

    public string Name => "set";

    /// <summary>What the history says about one element.</summary>
    struct Entry
    {
        public long AddIndex,
            AddTime;
        public int InvokeAt; // the first attempt's invoke position
        public int OkAt; // the earliest ok completion of an add of it; int.MaxValue: none
        public int KnownAt; // when it was certainly in the set: OkAt, or the completion of a read that showed it
        public bool MaybeAdded; // some add of it did not fail
        public bool InFinal;
        public int SeenCall; // the call of the first ok read that showed it; -1: none
        public int Seen;
    }

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default) =>
        ClientCalls.UnlessCancelled(Name, "cancelled before the set was judged", () => Judge(history, cancel), cancel);

    CheckResult Judge(IReadOnlyList<Op> history, CancellationToken cancel)
    {
        var calls = ClientCalls.Of(history, source, cancel);
        var entries = new Dictionary<long, Entry>();
        var reads = new List<int>(); // ok reads, as positions in calls
        int attempted = 0,
            acknowledged = 0;
        for (var c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            switch (call.Invoke.F)
            {
                case Add:
                    var x = ClientCalls.Integer(call.Invoke.Value, call.Invoke, source, "an added element");
                    ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, x, out var existed);
                    if (!existed)
                    {
                        e = new Entry
                        {
                            AddIndex = call.Invoke.Index,
                            AddTime = call.Invoke.Time,
                            InvokeAt = call.InvokeAt,
                            OkAt = int.MaxValue,
                            KnownAt = int.MaxValue,
                            SeenCall = -1,
                        };
                        attempted++;
                    }
                    if (call.Outcome != OpType.Fail)
                        e.MaybeAdded = true;
                    if (call.Outcome == OpType.Ok && e.OkAt == int.MaxValue)
                        acknowledged++;
                    e.OkAt = Math.Min(e.OkAt, call.OkAt);
                    break;
                case Read:
                    if (call.Outcome == OpType.Ok)
                        reads.Add(c);
                    break;
                default:
                    throw new HistoryFormatException(
                        source,
                        call.Invoke.Line,
                        $"op {call.Invoke.Index}: the set checker has no operation '{call.Invoke.F}' (add, read)"
                    );
            }
        }
        if (reads.Count == 0)
            return new CheckResult(
                Name,
                Verdict.Unknown,
                $"the set was never read (no ok read), so nothing is judged; {attempted} elements added, "
                    + $"{acknowledged} acknowledged",
                new SetReport(attempted, acknowledged, null, null, null, 0, 0, 0, 0, 0, Empty, Empty, Empty)
            );

        var final = reads.MaxBy(r => calls[r].InvokeAt);
        var unexpected = new Dictionary<long, Entry>();
        var finalSize = 0;
        foreach (var r in reads)
        {
            cancel.ThrowIfCancellationRequested();
            var read = calls[r];
            var isFinal = r == final;
            foreach (var item in Elements(read.Completion!))
            {
                var x = ClientCalls.Integer(item, read.Completion!, source, "a read element");
                ref var e = ref CollectionsMarshal.GetValueRefOrNullRef(entries, x);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref e))
                {
                    ref var u = ref CollectionsMarshal.GetValueRefOrAddDefault(unexpected, x, out var known);
                    if (!known)
                        u = new Entry { SeenCall = r };
                    Sighted(ref u, r);
                    continue;
                }
                Sighted(ref e, r);
                e.KnownAt = Math.Min(e.KnownAt, read.CompletedAt);
                if (isFinal && !e.InFinal)
                {
                    e.InFinal = true;
                    finalSize++;
                }
            }
        }

        var finalCall = calls[final];
        var lost = new List<ElementEvent>();
        var failedPresent = new List<ElementEvent>();
        int ok = 0,
            recovered = 0,
            indeterminate = 0,
            after = 0;
        foreach (var (x, e) in entries)
        {
            if (!e.MaybeAdded)
            {
                if (e.Seen > 0)
                    failedPresent.Add(Event(x, e, calls));
                continue;
            }
            if (e.InFinal)
            {
                ok++;
                if (e.OkAt == int.MaxValue)
                    recovered++;
            }
            else if (Math.Min(e.OkAt, e.KnownAt) < finalCall.InvokeAt)
                lost.Add(Event(x, e, calls)); // the set only grows
            else if (e.InvokeAt > finalCall.CompletedAt)
                after++;
            else
                indeterminate++;
        }
        var report = new SetReport(
            attempted,
            acknowledged,
            finalCall.Completion!.Index,
            finalCall.Invoke.Index,
            finalCall.Completion.Time,
            finalSize,
            ok,
            recovered,
            indeterminate,
            after,
            ElementList.Of(lost),
            ElementList.Of(
                unexpected
                    .Select(kv => Event(kv.Key, kv.Value, calls) with { AddIndex = null, AddTime = null })
                    .ToList()
            ),
            ElementList.Of(failedPresent)
        );
        return new CheckResult(Name, VerdictOf(report), Summarize(report), report);
    }

    static Verdict VerdictOf(SetReport r) =>
        r.Lost.Count + r.Unexpected.Count + r.FailedButPresent.Count > 0 ? Verdict.Invalid
        : r.AddedAfterFinalRead > 0 ? Verdict.Unknown
        : Verdict.Valid;

    static string Summarize(SetReport r)
    {
        var lines = new List<string>
        {
            $"{r.Attempted} elements added ({r.Acknowledged} acknowledged); the final read (op "
                + $"{r.FinalReadIndex}) saw {r.FinalReadSize}: "
                + $"{r.Ok} ok ({r.Recovered} recovered from indeterminate adds), {r.Lost.Count} lost, "
                + $"{r.Unexpected.Count} unexpected, "
                + $"{r.FailedButPresent.Count} failed but present, {r.Indeterminate} indeterminate",
        };
        if (r.Lost.Count > 0)
            lines.Add(
                $"lost (acknowledged, or read, before the final read began, missing from it): "
                    + $"{r.Lost.Name("added", "read")}"
            );
        if (r.Unexpected.Count > 0)
            lines.Add($"unexpected (read, never added): {r.Unexpected.Name("added", "read")}");
        if (r.FailedButPresent.Count > 0)
            lines.Add(
                $"failed but present (the add failed, yet it was read): {r.FailedButPresent.Name("added", "read")}"
            );
        if (r.AddedAfterFinalRead > 0)
            lines.Add(
                $"{r.AddedAfterFinalRead} adds were invoked after the final read ended: the set was not read "
                    + $"after them, so they are not judged"
            );
        return string.Join("\n", lines);
    }

    static readonly ElementList Empty = new(0, []);

    static void Sighted(ref Entry e, int readCall)
    {
        e.Seen++;
        if (e.SeenCall < 0 || readCall < e.SeenCall)
            e.SeenCall = readCall;
    }

    static ElementEvent Event(long x, Entry e, List<ClientCall> calls)
    {
        var seen = e.SeenCall >= 0 ? calls[e.SeenCall].Completion : null;
        return new ElementEvent(x, e.AddIndex, e.AddTime, seen?.Index, seen?.Time, e.Seen);
    }

    IEnumerable Elements(Op read) =>
        read.Value is IEnumerable items and not string and not IDictionary
            ? items
            : throw new HistoryFormatException(
                source,
                read.Line,
                $"op {read.Index}: a set read must return a list of elements, not {Values.Format(read.Value)}"
            );
}
