using Checker.Core.History;

namespace Checker.Core.Models;

/// <summary>
/// A read/write register. Reads return the last value written (the initial value before any write).
/// With <paramref name="nilReadIsUnknown"/> an ok read of nil reads a value nobody knows and fits any
/// state: that is Knossos's reading (its register models take a nil read as "we don't know what the
/// read was"). Without it, nil is a value like any other, and a read of nil must find the register nil.
/// </summary>
public class RegisterModel(object? initial, bool nilReadIsUnknown = false) : Model
{
    public override string Name => "register";
    public override object? Initial => initial;

    /// <summary>True when an ok read of nil is taken as a read of an unknown value (Knossos's reading).</summary>
    public bool NilReadIsUnknown => nilReadIsUnknown;

    /// <summary>False for a subclass from elsewhere, whose Step may differ from what Flow says.</summary>
    bool Exact => GetType() == typeof(RegisterModel) || GetType() == typeof(CasRegisterModel);

    public override string? Problem(Operation op) =>
        op.F is "read" or "write" ? null : $"the {Name} model has no operation '{op.F}' (read, write)";

    public override bool ReadOnly(Operation op) => op.F == "read";

    public override bool Step(object? state, Operation op, out object? next)
    {
        next = state;
        switch (op.F)
        {
            case "read":
                return op.Crashed || (nilReadIsUnknown && op.Output is null) || Values.Same(op.Output, state);
            case "write":
                next = op.Input;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A read needs its value (any state, if it read nil and nil is unknown; a crashed read has no
    /// value and fits any state); a write needs nothing and leaves its value.
    /// </summary>
    internal override ValueFlow? Flow(Operation op) =>
        !Exact
            ? null
            : op.F switch
            {
                "read" when op.Crashed || (nilReadIsUnknown && op.Output is null) => new ValueFlow(
                    false,
                    null,
                    false,
                    null
                ),
                "read" => new ValueFlow(true, op.Output, false, null),
                "write" => new ValueFlow(false, null, true, op.Input),
                _ => null,
            };
}

/// <summary>A register with compare-and-set: cas [from to] succeeds only if the register holds from.</summary>
public sealed class CasRegisterModel(object? initial, bool nilReadIsUnknown = false)
    : RegisterModel(initial, nilReadIsUnknown)
{
    public override string Name => "cas-register";

    public override string? Problem(Operation op) =>
        op.F switch
        {
            "read" or "write" => null,
            "cas" when op.Input is IList<object?> { Count: 2 } => null,
            "cas" => $"cas needs a [from to] value, not {Values.Format(op.Input)}",
            _ => $"the {Name} model has no operation '{op.F}' (read, write, cas)",
        };

    public override bool Step(object? state, Operation op, out object? next)
    {
        if (op.F != "cas")
            return base.Step(state, op, out next);
        var fromTo = (IList<object?>)op.Input!;
        // A cas that found another value failed and left no trace: an ok cas must have matched,
        // and a crashed one matters only if it matched.
        next = fromTo[1];
        if (Values.Same(state, fromTo[0]))
            return true;
        next = state;
        return false;
    }

    /// <summary>A cas [from to] needs from and leaves to (ok or crashed: a crashed cas takes effect only if it
    /// matched); reads and writes as in the register.</summary>
    internal override ValueFlow? Flow(Operation op) =>
        op.F == "cas" && op.Input is IList<object?> { Count: 2 } fromTo
            ? new ValueFlow(true, fromTo[0], true, fromTo[1])
            : base.Flow(op);

    public override bool OnlyIn(Operation op, out object? state)
    {
        state = op.F == "cas" ? ((IList<object?>)op.Input!)[0] : null;
        return op.F == "cas";
    }
}

/// <summary>A lock: acquire succeeds only when free, release only when held.</summary>
public sealed class MutexModel(object? initial) : Model
{
    public override string Name => "mutex";
    public override object? Initial => initial is true;

    public override string? Problem(Operation op) =>
        op.F is "acquire" or "release" ? null : $"the mutex model has no operation '{op.F}' (acquire, release)";

    public override bool ReadOnly(Operation op) => false;

    public override bool Step(object? state, Operation op, out object? next)
    {
        var held = state is true;
        next = op.F == "acquire";
        return op.F == "acquire" ? !held : held;
    }

    /// <summary>An acquire takes effect only on a free lock, a release only on a held one.</summary>
    public override bool OnlyIn(Operation op, out object? state)
    {
        state = op.F == "release";
        return op.F is "acquire" or "release";
    }
}
