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
