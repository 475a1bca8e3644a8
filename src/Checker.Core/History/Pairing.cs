namespace Checker.Core.History;

/// <summary>An invoke and how it ended: its completion (ok, fail or info), or null when it never completed.</summary>
public readonly record struct Attempt(Op Invoke, Op? Completion);

/// <summary>How to read Jepsen independent-key values, [key value] tuples.</summary>
public enum TupleKeys
{
    Auto,
    On,
    Off,
}

/// <summary>
/// Turns a flat history into client operations, following Knossos: each process runs one operation
/// at a time; fail means it did not happen; info or no completion means it may have happened.
/// </summary>
public static class Pairing
{
    /// <summary>
    /// Pairs invokes with completions. A second invoke while one is outstanding, a completion with no
    /// invoke, or a completion whose f differs is an error naming the line.
    /// </summary>
    public static List<Operation> Pair(
        IReadOnlyList<Op> ops,
        string source = "history",
        TupleKeys tuples = TupleKeys.Auto
    )
    {
        var timed = HistoryOrder.Timed(ops);
        var split = tuples switch
        {
            TupleKeys.On => true,
            TupleKeys.Off => false,
            _ => LooksIndependent(ops),
        };
        var open = new Dictionary<int, int>(); // process -> index in pending of its open op
        var pending = new List<Pending>(ops.Count / 2 + 1); // about one invoke in two records
        var failed = 0;
        foreach (var op in ops)
        {
            if (op.IsNemesis)
                continue;
            var at = timed ? op.Time : op.Index;
            if (op.Type == OpType.Invoke)
            {
                if (open.TryGetValue(op.Process, out var priorSlot))
                {
                    var prior = pending[priorSlot].Invoke;
                    throw new HistoryFormatException(
                        source,
                        op.Line,
                        $"process {op.Process} invokes {op.F} while its {prior.F} (index "
                            + $"{prior.Index}{LineOf(prior)}) is still outstanding"
                    );
                }
                open[op.Process] = pending.Count;
                var (key, input) = split ? Untuple(op, source) : (op.Key, op.Value);
                pending.Add(new Pending(op, key, input, at));
                continue;
            }
            if (!open.Remove(op.Process, out var slot))
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process} completes {op.F} ({op.Type.ToString().ToLowerInvariant()}) without an invoke"
                );
            ref var p = ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending)[slot];
            var invoke = p.Invoke;
            if (invoke.F != op.F)
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process} completes {op.F} but invoked {invoke.F}"
                );
            if (timed && op.Time < invoke.Time)
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"time runs backwards: process {op.Process}'s {op.F} completes at {op.Time} before its invoke "
                        + $"at {invoke.Time} (index {invoke.Index}{LineOf(invoke)})"
                );
            if (!timed && op.Index < invoke.Index)
                throw new HistoryFormatException(
                    source,
                    op.Line,
                    $"process {op.Process}'s {op.F} completes at index "
                        + $"{op.Index}, before its invoke at index {invoke.Index}{LineOf(invoke)}: it could never "
                        + $"be placed"
                );
            p.Completion = op;
            switch (op.Type)
            {
                case OpType.Ok:
                    var output = split ? Untuple(op, source).Value : op.Value;
                    p.Output = output;
                    p.Return = at;
                    p.Ok = true;
                    // Knossos takes an ok op's value from its completion: a write or cas that completes with
                    // another value than it was invoked with did what the completion says.
                    // (A cas completing with anything but a [from to] pair restates nothing the model could take.)
                    if (
                        (op.F == "write" ? output is not null : op.F == "cas" && output is IList<object?> { Count: 2 })
                        && !Values.Same(output, p.Input)
                    )
                    {
                        p.InvokedWith = p.Input;
                        p.Input = output;
                        p.InputFromCompletion = true;
                    }
                    break;
                case OpType.Fail:
                    p.Failed = true;
                    failed++;
                    break;
            }
        }
        // One operation each, made once its completion is known.
        var kept = new List<Operation>(pending.Count - failed);
        foreach (ref readonly var p in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending))
            if (!p.Failed)
                kept.Add(
                    new Operation(
                        kept.Count,
                        p.Invoke.Process,
                        p.Invoke.F,
                        p.Key,
                        p.Input,
                        p.Output,
                        !p.Ok,
                        p.Call,
                        p.Return,
                        p.Invoke,
                        p.Completion
                    )
                    {
                        InputFromCompletion = p.InputFromCompletion,
                        InvokedWith = p.InvokedWith,
                    }
                );
        return kept;
    }

    /// <summary>An invoke while it waits for its completion: what its operation will be made of.</summary>
    struct Pending(Op invoke, object? key, object? input, long call)
    {
        public readonly Op Invoke = invoke;
        public readonly object? Key = key;
        public object? Input = input;
        public readonly long Call = call;
        public object? Output;
        public long Return = long.MaxValue; // crashed until an ok says otherwise
        public Op? Completion;
        public bool Ok,
            Failed,
            InputFromCompletion;
        public object? InvokedWith;
    }

    /// <summary>
    /// Every client invoke with its completion, failed ones included, in invoke order. Tolerant where
    /// Pair is strict, for statistics and pictures: a completion with no invoke is skipped, and an
    /// invoke cut short by another from the same process counts as never completed.
    /// </summary>
    public static List<Attempt> Attempts(IEnumerable<Op> history)
    {
        var attempts = new List<Attempt>();
        var open = new Dictionary<int, int>(); // process -> index in attempts of its open invoke
        foreach (var op in history)
        {
            if (op.IsNemesis)
                continue;
            if (op.Type == OpType.Invoke)
            {
                open[op.Process] = attempts.Count;
                attempts.Add(new Attempt(op, null));
            }
            else if (open.Remove(op.Process, out var slot))
            {
                attempts[slot] = attempts[slot] with { Completion = op };
            }
        }
        return attempts;
    }

    /// <summary>
    /// A note for the ok writes and cas ops whose completion's value differs from the invoke's, which are
    /// judged by the completion's value as Knossos judges them; null when there are none.
    /// </summary>
    public static string? CompletionValuesNote(IReadOnlyList<Operation> ops)
    {
        var taken = ops.Where(o => o.InputFromCompletion).ToList();
        if (taken.Count == 0)
            return null;
        var first = taken[0];
        var (completes, they) = taken.Count == 1 ? ("op completes", "it was") : ("ops complete", "they were");
        return $"{taken.Count} ok {completes} with another value than {they} invoked with; as Knossos does, "
            + $"the completion's value is taken (first: process {first.Process} {first.F} invoked with "
            + $"{Values.Format(first.InvokedWith)}, completed with {Values.Format(first.Input)}, "
            + $"op {first.Invoke.Index}{(first.Completion?.Line > 0 ? $", line {first.Completion.Line}" : "")})";
    }

    static string LineOf(Op op) => op.Line > 0 ? $", line {op.Line}" : "";

    static (object? Key, object? Value) Untuple(Op op, string source) =>
        op.Value is IList<object?> { Count: 2 } t ? (t[0], t[1])
        : op.Type == OpType.Info ? (null, null)
        : throw new HistoryFormatException(
            source,
            op.Line,
            $"expected a [key value] tuple, found {Values.Format(op.Value)}"
        );

    /// <summary>
    /// Jepsen's independent tests wrap every value in a [key value] tuple and set no :key. A history
    /// of nothing but cas [from to] or two-step transactions looks the same, so those alone never count.
    /// </summary>
    static bool LooksIndependent(IReadOnlyList<Op> ops)
    {
        var telling = false;
        foreach (var op in ops)
        {
            if (op.IsNemesis || op.Type is OpType.Info or OpType.Fail)
                continue;
            if (op.Key is not null || op.Value is not IList<object?> { Count: 2 } pair)
                return false;
            if (op.F is not ("cas" or "txn") && pair[0] is not IList<object?>)
                telling = true;
        }
        return telling;
    }
}
