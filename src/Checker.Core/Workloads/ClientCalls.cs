using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Workloads;

/// <summary>
/// One client operation of a workload history: its invoke and how it ended, with both positions in the
/// history. Positions order events as the recorder saw them, with or without times.
/// </summary>
/// <param name="CompletedAt">Position of the completion; -1 when the operation never completed.</param>
public readonly record struct ClientCall(Op Invoke, Op? Completion, int InvokeAt, int CompletedAt)
{
    /// <summary>Ok, Fail or Info; an operation that never completed is as indeterminate as info.</summary>
    public OpType Outcome => Completion?.Type ?? OpType.Info;

    /// <summary>Where the operation certainly took effect by: its ok completion, or never (int.MaxValue).</summary>
    public int OkAt => Outcome == OpType.Ok ? CompletedAt : int.MaxValue;
}

/// <summary>
/// Pairs a history's client ops as <see cref="Pairing.Pair"/> does, as strictly (a second invoke while one
/// is outstanding, a completion without an invoke or with another f is an error naming the line), but keeps
/// failed operations (the workload checkers judge them too) and allocates one struct per operation.
/// </summary>
public static class ClientCalls
{
    /// <summary>Every client operation in invoke order; cancellation throws OperationCanceledException.</summary>
    public static List<ClientCall> Of(IReadOnlyList<Op> history, string source, CancellationToken cancel = default)
    {
        var calls = new List<ClientCall>(history.Count / 2 + 1);
        var open = new Dictionary<int, int>(); // process -> its outstanding call in calls
        for (var i = 0; i < history.Count; i++)
        {
            if ((i & 0xFFFF) == 0)
                cancel.ThrowIfCancellationRequested();
            var op = history[i];
            if (op.IsNemesis)
                continue;
            if (op.Type == OpType.Invoke)
            {
                if (open.TryGetValue(op.Process, out var prior))
                    throw new HistoryFormatException(
                        source,
                        op.Line,
                        $"process {op.Process} invokes {op.F} while its {calls[prior].Invoke.F} (index "
                            + $"{calls[prior].Invoke.Index}) is still outstanding"
                    );
                open[op.Process] = calls.Count;
                calls.Add(new ClientCall(op, null, i, -1));
                continue;
            }
            if (!open.Remove(op.Process, out var slot))
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process} completes {op.F} ({op.Type.ToString().ToLowerInvariant()}) without an invoke"
                );
            var invoke = calls[slot].Invoke;
            if (invoke.F != op.F)
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process} completes {op.F} but invoked {invoke.F}"
                );
            calls[slot] = calls[slot] with { Completion = op, CompletedAt = i };
        }
        return calls;
    }

    /// <summary>
    /// The same pairing, streamed: each operation as it completes, then those that never did (completion null).
    /// Nothing is kept but the open invokes, for checkers that need one pass and no list of a million calls.
    /// </summary>
    public static IEnumerable<(Op Invoke, Op? Completion)> Streamed(
        IReadOnlyList<Op> history,
        string source,
        CancellationToken cancel = default
    )
    {
        var open = new Dictionary<int, Op>(); // process -> its outstanding invoke
        for (var i = 0; i < history.Count; i++)
        {
            if ((i & 0xFFFF) == 0)
                cancel.ThrowIfCancellationRequested();
            var op = history[i];
            if (op.IsNemesis)
                continue;
            if (op.Type == OpType.Invoke)
            {
                if (!open.TryAdd(op.Process, op))
                    throw new HistoryFormatException(
                        source,
                        op.Line,
                        $"process {op.Process} invokes {op.F} while its {open[op.Process].F} (index "
                            + $"{open[op.Process].Index}) is still outstanding"
                    );
                continue;
            }
            if (!open.Remove(op.Process, out var invoke))
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process} completes {op.F} ({op.Type.ToString().ToLowerInvariant()}) without an invoke"
                );
            if (invoke.F != op.F)
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process} completes {op.F} but invoked {invoke.F}"
                );
            yield return (invoke, op);
        }
        foreach (var invoke in open.Values.OrderBy(o => o.Index))
            yield return (invoke, null);
    }

    /// <summary>The integer an op carries (an element, a balance); a format error naming the line otherwise.</summary>
    public static long Integer(object? value, Op op, string source, string what) =>
        value switch
        {
            long l => l,
            int n => n,
            _ => throw new HistoryFormatException(
                source,
                op.Line,
                $"op {op.Index}: {what} must be an integer, not {Values.Format(value)}"
            ),
        };

    /// <summary>Seconds since the test began, for summaries ("at 12.345 s"), or the position when untimed.</summary>
    public static string When(Op op) => op.Time >= 0 ? $"{op.Time / 1e9:0.000} s" : $"position {op.Index}";

    /// <summary>The checker's judgement, or unknown when cancellation stopped it ("cancelled before ...": what was left
    /// unjudged).</summary>
    public static CheckResult UnlessCancelled(
        string checker,
        string cancelled,
        Func<CheckResult> judge,
        CancellationToken cancel
    )
    {
        try
        {
            return judge();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new CheckResult(checker, Verdict.Unknown, cancelled);
        }
    }
}
