using System.Collections.Immutable;
using Checker.Core.History;

namespace Checker.Core.Models;

/// <summary>Models whose state spans several keys, so a history over many keys can be checked whole.</summary>
public abstract class KeyedModel(object? initial) : Model
{
    /// <summary>The value of a key the state does not hold.</summary>
    protected readonly object? InitialValue = initial;
    public override bool SpansKeys => true;
    public override object? Initial => InitialState;

    /// <summary>The state before any operation: no key set, unless a subclass starts from given values.</summary>
    protected ImmutableDictionary<object, object?> InitialState { get; init; } =
        ImmutableDictionary.Create<object, object?>(Values.Comparer!);

    /// <summary>The state's keys in order (by their rendering), not in the order of their hashes, which
    /// differs from process to process: the same history is explained the same way on every run.</summary>
    public override string Describe(object? state) =>
        state is ImmutableDictionary<object, object?> map
            ? "{"
                + string.Join(
                    ", ",
                    map.Select(e => (Key: Values.Format(e.Key), Value: Values.Format(e.Value)))
                        .OrderBy(e => e.Key, StringComparer.Ordinal)
                        .Select(e => $"{e.Key} {e.Value}")
                )
                + "}"
            : base.Describe(state);

    protected object? Get(ImmutableDictionary<object, object?> map, object? key) =>
        map.TryGetValue(key ?? NilKey.Instance, out var v) ? v : InitialValue;

    protected static ImmutableDictionary<object, object?> Set(
        ImmutableDictionary<object, object?> map,
        object? key,
        object? value
    ) => map.SetItem(key ?? NilKey.Instance, value);
}

/// <summary>
/// Porcupine's key-value store: get key returns its value, put key value replaces it, append key value
/// concatenates strings. Keys come from the op's key; the initial value of every key defaults to "".
/// </summary>
public sealed class KvModel(object? initial) : KeyedModel(initial ?? "")
{
    public override string Name => "kv";

    public override object? IndependenceKey(Operation op) => op.Key;

    public override string? Problem(Operation op) =>
        op.F switch
        {
            "get" or "put" => null,
            "append" when op.Input is string => null,
            "append" => $"append needs a string value, not {Values.Format(op.Input)}",
            _ => $"the kv model has no operation '{op.F}' (get, put, append)",
        };

    public override bool ReadOnly(Operation op) => op.F == "get";

    public override bool Step(object? state, Operation op, out object? next)
    {
        var map = (ImmutableDictionary<object, object?>)state!;
        next = map;
        switch (op.F)
        {
            case "get":
                return op.Crashed || Values.Same(op.Output ?? InitialValue, Get(map, op.Key));
            case "put":
                next = Set(map, op.Key, op.Input);
                return true;
            default:
                next = Set(map, op.Key, (Get(map, op.Key) as string ?? "") + (string)op.Input!);
                return true;
        }
    }

    /// <summary>
    /// A key's value only grows between puts: an append extends the string it finds (or, finding no string,
    /// starts one), a get leaves it. "Extends", per key: a value that is no string is extended by anything, a
    /// string by the strings it starts. A get of a string v can then take effect in no state extending one in
    /// which its key holds a string that does not start v (nor, v being no string, in any extending a string).
    /// </summary>
    internal override bool Grows => true;

    internal override bool Resets(Operation op) => op.F == "put";

    internal override bool Observes(Operation op) => op.F == "get";

    internal override bool Reachable(object? state, Operation op)
    {
        if (op.F != "get" || Get((ImmutableDictionary<object, object?>)state!, op.Key) is not string value)
            return true;
        return (op.Output ?? InitialValue) is string read && read.StartsWith(value, StringComparison.Ordinal);
    }

    /// <summary>A put of another key leaves the get's key as it was; a put of a string leaves a value only
    /// the strings it starts extend; a put of anything else may be followed by any string.</summary>
    internal override bool ReachableAfter(Operation reset, Operation op)
    {
        if (op.F != "get" || reset.F != "put")
            return true;
        if (!Values.Same(reset.Key, op.Key))
            return false;
        return reset.Input is not string put
            || (op.Output ?? InitialValue) is string read && read.StartsWith(put, StringComparison.Ordinal);
    }

    /// <summary>Past this many get outputs searched per crashed append, no append is called unobservable
    /// (leaving them all in is always right, only slower).</summary>
    const long UnobservableWork = 50_000_000;

    /// <summary>
    /// A crashed append of a non-empty string s that no ok get of its key returned as part of its value.
    /// Why any legal order that applies it (c) stays legal without it: after c the key's value is a
    /// string containing s, and it keeps containing s until a put (an append to a string extends it); so
    /// until a put no get of that key can take effect (it would have returned a value containing s), and
    /// what does take effect there is appends, which fit any state, and ops on other keys, which do not
    /// see this one. Without c those ops still fit, and the first put leaves the same state either way.
    /// </summary>
    internal override bool[]? Unobservable(IReadOnlyList<Operation> crashed, IReadOnlyList<Operation> readers)
    {
        var gets = readers
            .Where(o => o.F == "get" && !o.Crashed)
            .Select(o => (o.Key, Value: (o.Output ?? InitialValue) as string))
            .Where(g => g.Value is not null)
            .ToList();
        var appends = crashed.Count(o => o.F == "append");
        if (appends == 0 || (long)appends * gets.Count > UnobservableWork)
            return null;
        var result = new bool[crashed.Count];
        for (var c = 0; c < crashed.Count; c++)
            result[c] =
                crashed[c] is { F: "append", Input: string { Length: > 0 } s } append
                && !gets.Any(g => Values.Same(g.Key, append.Key) && g.Value!.Contains(s, StringComparison.Ordinal));
        return result;
    }

    /// <summary>
    /// A crashed append of a non-empty string s matters only until the last ok get of its key whose value
    /// contains s (its horizon, by the definite ops' numbering); past it, or if no get's value contains s,
    /// it cannot. Crashed puts (and appends of "") may always matter. Why any legal order L from a
    /// configuration in which every definite op up to the horizon has taken effect stays legal without the
    /// append (c): after c the key's value is a string containing s, and it keeps containing s until a put
    /// (an append extends the string it finds). So up to the first put of that key after c, or L's end,
    /// every get of the key that takes effect returns a value containing s: a definite one is numbered at
    /// most the horizon, so it took effect before c and is not in L; a crashed get is read-only and never
    /// searched. What does take effect there is appends of that key, which fit any state, and ops on other
    /// keys, which do not see it. Drop c: those ops still fit, and the put leaves the same state either way
    /// (or L ends there, with every definite op placed). Where the search ends at a cut, the gets after it
    /// (later) count as numbered past every definite op, so an append one of them may see is kept; an end
    /// the search skips differs from one it keeps only by s in a value that no get after the cut returns,
    /// so by the same argument whatever follows one follows the other.
    /// </summary>
    const long HorizonWork = 200_000_000; // characters of get values searched, in all

    internal override int[]? Horizons(
        IReadOnlyList<Operation> definite,
        IReadOnlyList<Operation> crashed,
        IReadOnlyList<Operation>? later
    )
    {
        // Per key, its ok gets' values (strings only: a value that is no string contains no s) with their
        // numbers, the gets after the cut numbered definite.Count.
        var gets = new Dictionary<object, List<(int Number, string Value)>>(Values.Comparer!);
        var nilKey = new object();
        long work = 0;
        void Add(Operation o, int number)
        {
            if (o is not { F: "get", Crashed: false } || (o.Output ?? InitialValue) is not string value)
                return;
            if (!gets.TryGetValue(o.Key ?? nilKey, out var those))
                gets[o.Key ?? nilKey] = those = [];
            those.Add((number, value));
        }
        for (var i = 0; i < definite.Count; i++)
            Add(definite[i], i);
        foreach (var o in later ?? [])
            Add(o, definite.Count);
        var horizons = new int[crashed.Count];
        for (var c = 0; c < crashed.Count; c++)
        {
            if (crashed[c] is not { F: "append", Input: string { Length: > 0 } s } append)
            {
                horizons[c] = int.MaxValue;
                continue;
            }
            var horizon = -1;
            foreach (var (number, value) in gets.GetValueOrDefault(append.Key ?? nilKey) ?? [])
            {
                work += value.Length;
                if (number > horizon && value.Contains(s, StringComparison.Ordinal))
                    horizon = number;
            }
            if (work > HorizonWork)
                return null; // leaving every append in is always right, only slower
            horizons[c] = horizon;
        }
        return horizons;
    }
}

/// <summary>
/// Registers over many keys read and written in transactions: f "txn", value a list of micro-ops
/// [f k v] with f r/read or w/write (strings or keywords). An ok transaction's reads must see the
/// state as of its point. As in Knossos, the initial value is a map of keys to values (a key it does
/// not name starts nil), and with <paramref name="nilReadIsUnknown"/> a read of nil fits any value.
/// </summary>
public sealed class MultiRegisterModel : KeyedModel
{
    readonly bool nilReadIsUnknown;

    public MultiRegisterModel(object? initial, bool nilReadIsUnknown = false)
        : base(null)
    {
        this.nilReadIsUnknown = nilReadIsUnknown;
        if (initial is null)
            return;
        if (initial is not System.Collections.IDictionary values)
            throw new ArgumentException(
                $"the multi-register's initial value is a map of keys to values, as in Knossos (for example "
                    + $"{{\"x\" 0 \"y\" 0}}), not {Values.Format(initial)}"
            );
        var state = InitialState;
        foreach (System.Collections.DictionaryEntry e in values)
            state = state.SetItem(e.Key, e.Value);
        InitialState = state;
    }

    public bool NilReadIsUnknown => nilReadIsUnknown;

    public override string Name => "multi-register";

    static bool IsRead(object? f) => Names.Of(f) is "r" or "read";

    static bool IsWrite(object? f) => Names.Of(f) is "w" or "write";

    public override string? Problem(Operation op)
    {
        if (op.F is not ("txn" or "read" or "write"))
            return $"the multi-register model has no operation '{op.F}' (txn)";
        if (op.Input is not IList<object?> micro)
            return $"a transaction needs a list of [f key value], not {Values.Format(op.Input)}";
        foreach (var m in micro)
            if (m is not IList<object?> { Count: 3 } t || !(IsRead(t[0]) || IsWrite(t[0])))
                return $"bad micro-op {Values.Format(m)}: expected [r key value] or [w key value]";
        if (!op.Crashed && (op.Output is not IList<object?> outs || outs.Count != micro.Count))
            return $"an ok transaction must return its micro-ops with read values, not {Values.Format(op.Output)}";
        return null;
    }

    public override bool ReadOnly(Operation op) =>
        ((IList<object?>)op.Input!).All(m => IsRead(((IList<object?>)m!)[0]));

    public override bool Step(object? state, Operation op, out object? next)
    {
        var map = (ImmutableDictionary<object, object?>)state!;
        var micro = (IList<object?>)(op.Crashed ? op.Input! : op.Output!);
        foreach (var m in micro)
        {
            var t = (IList<object?>)m!;
            if (IsWrite(t[0]))
                map = Set(map, t[1], t[2]);
            else if (!op.Crashed && !(nilReadIsUnknown && t[2] is null) && !Values.Same(Get(map, t[1]), t[2]))
            {
                next = state;
                return false;
            }
        }
        next = map;
        return true;
    }
}
