using System.Collections;
using System.Collections.Immutable;
using Checker.Core.History;

namespace Checker.Core.Models;

/// <summary>A grow-only set: add x; read returns every element added so far (as a list or set).</summary>
public sealed class SetModel(object? initial) : Model
{
    public override string Name => "set";
    public override object? Initial { get; } =
        ImmutableHashSet.CreateRange(Values.Comparer, CollectionModels.Elements(initial, "set"));

    public override string? Problem(Operation op) =>
        op.F switch
        {
            "add" => null,
            "read" when op.Crashed || op.Output is IEnumerable and not string => null,
            "read" => $"a set read must return a collection, not {Values.Format(op.Output)}",
            _ => $"the set model has no operation '{op.F}' (add, read)",
        };

    public override bool ReadOnly(Operation op) => op.F == "read";

    /// <summary>The elements in order (by their rendering), not in the order of their hashes, which for strings
    /// differs from process to process: the same history is explained the same way on every run.</summary>
    public override string Describe(object? state) =>
        state is ImmutableHashSet<object?> set
            ? "#{" + string.Join(" ", set.Select(Values.Format).Order(StringComparer.Ordinal)) + "}"
            : base.Describe(state);

    public override bool Step(object? state, Operation op, out object? next)
    {
        var set = (ImmutableHashSet<object?>)state!;
        next = set;
        if (op.F == "add")
        {
            next = set.Add(op.Input);
            return true;
        }
        if (op.Crashed)
            return true;
        var seen = ((IEnumerable)op.Output!).Cast<object?>().ToHashSet(Values.Comparer);
        return seen.SetEquals(set);
    }
}

/// <summary>
/// A queue without order: enqueue x; dequeue returns some element present. A crashed dequeue
/// never takes effect here (its element is unknown), as in Knossos.
/// </summary>
public sealed class UnorderedQueueModel(object? initial) : Model
{
    public override string Name => "unordered-queue";
    public override object? Initial { get; } = Counts(CollectionModels.Elements(initial, "unordered-queue"));

    static ImmutableDictionary<object, object?> Counts(IEnumerable<object?> items)
    {
        var counts = ImmutableDictionary.Create<object, object?>(Values.Comparer!);
        foreach (var x in items)
            counts = Add(counts, x!, 1);
        return counts;
    }

    static ImmutableDictionary<object, object?> Add(ImmutableDictionary<object, object?> counts, object x, long delta)
    {
        var n = (counts.TryGetValue(x, out var c) ? (long)c! : 0) + delta;
        return n == 0 ? counts.Remove(x) : counts.SetItem(x, n);
    }

    public override string? Problem(Operation op) =>
        op.F switch
        {
            "enqueue" when op.Input is not null => null,
            "enqueue" => "enqueue needs a non-nil value",
            "dequeue" => null,
            _ => $"the unordered-queue model has no operation '{op.F}' (enqueue, dequeue)",
        };

    public override bool ReadOnly(Operation op) => false;

    public override bool Step(object? state, Operation op, out object? next)
    {
        var counts = (ImmutableDictionary<object, object?>)state!;
        next = counts;
        if (op.F == "enqueue")
        {
            next = Add(counts, op.Input!, 1);
            return true;
        }
        if (op.Crashed || op.Output is null || !counts.ContainsKey(op.Output))
            return false;
        next = Add(counts, op.Output, -1);
        return true;
    }
}

/// <summary>A FIFO queue: dequeue returns the oldest element. A crashed dequeue removes the head.</summary>
public sealed class FifoQueueModel(object? initial) : Model
{
    public override string Name => "fifo-queue";
    public override object? Initial { get; } =
        ImmutableList.CreateRange(CollectionModels.Elements(initial, "fifo-queue"));

    public override string? Problem(Operation op) =>
        op.F is "enqueue" or "dequeue" ? null : $"the fifo-queue model has no operation '{op.F}' (enqueue, dequeue)";

    public override bool ReadOnly(Operation op) => false;

    public override bool Step(object? state, Operation op, out object? next)
    {
        var queue = (ImmutableList<object?>)state!;
        next = queue;
        if (op.F == "enqueue")
        {
            next = queue.Add(op.Input);
            return true;
        }
        if (queue.Count == 0 || (!op.Crashed && !Values.Same(queue[0], op.Output)))
            return false;
        next = queue.RemoveAt(0);
        return true;
    }
}

/// <summary>What the collection models share.</summary>
static class CollectionModels
{
    /// <summary>
    /// The elements an initial value names: a list or set of them; nil is empty. Anything else (a number,
    /// a string, a map) is an ArgumentException: starting from an empty collection instead would be a guess.
    /// </summary>
    public static IEnumerable<object?> Elements(object? initial, string model) =>
        initial switch
        {
            null => [],
            string or IDictionary => throw new ArgumentException(NotAList(initial, model)),
            IEnumerable elements => elements.Cast<object?>().ToList(),
            _ => throw new ArgumentException(NotAList(initial, model)),
        };

    static string NotAList(object initial, string model) =>
        $"the {model} model's initial value is a list of its elements (for example [1 2] or [1,2]), "
        + $"not {Values.Format(initial)}";
}
