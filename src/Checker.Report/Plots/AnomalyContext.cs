using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Report.Data;

namespace Checker.Report.Plots;

/// <summary>An op drawn beside the minimal counterexample, and why it is there.</summary>
public sealed record ContextOp(OpView Op, string Role);

/// <summary>
/// What makes a register counterexample one, beyond the minimal set: for a read that saw v (or a cas that
/// expected v), the last write of v called before it returned ("wrote the value read"), the last write
/// that completed before it was called ("set the state the read contradicts"), and the ops on the key
/// that overlap them. A one-op counterexample then shows the writes it contradicts, on an axis wide
/// enough to hold them all.
/// </summary>
public static class AnomalyContext
{
    const int MaxConcurrent = 12;

    public static IReadOnlyList<ContextOp> Of(HistoryDigest d, KeyFailure f)
    {
        if (f.Failed.F is not ("read" or "cas"))
            return [];
        List<Operation> ops;
        try
        {
            ops = Pairing.Pair(d.History);
        }
        catch (HistoryFormatException)
        {
            return [];
        }
        var shown = f.Minimal.Append(f.Failed).Select(o => o.InvokeIndex).ToHashSet();
        var onKey = ops.Where(o => Values.Same(o.Key, f.Key) && o.F is "read" or "write" or "cas").ToList();
        var seen =
            f.Failed.F == "read" ? f.Failed.Output
            : f.Failed.Input is IList<object?> { Count: 2 } fromTo ? fromTo[0]
            : null;
        var failedReturn = f.Failed.Return ?? long.MaxValue;
        var result = new List<ContextOp>();
        void Add(Operation? o, string role)
        {
            if (o is null || !shown.Add(o.Invoke.Index))
                return;
            result.Add(new ContextOp(OpView.Of(o), role));
        }
        Add(
            onKey
                .Where(o => Writes(o) is var (ok, v) && ok && Values.Same(v, seen) && o.Call < failedReturn)
                .MaxBy(o => o.Call),
            "wrote the value read"
        );
        Add(
            onKey.Where(o => !o.Crashed && Writes(o).Ok && o.Return < f.Failed.Call).MaxBy(o => o.Return),
            "set the state the read contradicts"
        );
        if (result.Count == 0)
            return result;
        var from = result.Select(c => c.Op.Call).Append(f.Failed.Call).Min();
        var to = result
            .Select(c => c.Op.Return ?? c.Op.Call)
            .Append(failedReturn == long.MaxValue ? f.Failed.Call : failedReturn)
            .Max();
        foreach (
            var o in onKey
                .Where(o => o.Call <= to && (o.Crashed || o.Return >= from))
                .OrderBy(o => o.Call)
                .Take(MaxConcurrent)
        )
            Add(o, "concurrent");
        return result;
    }

    /// <summary>Whether the op writes, and what: a write its input, a cas its "to".</summary>
    static (bool Ok, object? Value) Writes(Operation o) =>
        o.F switch
        {
            "write" => (true, o.Input),
            "cas" when o.Input is IList<object?> { Count: 2 } p => (true, p[1]),
            _ => (false, null),
        };
}
