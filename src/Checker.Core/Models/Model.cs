using Checker.Core.History;

namespace Checker.Core.Models;

/// <summary>
/// A sequential specification: what a single copy of the object would answer. The linearizability
/// search asks it one question: could this operation, applied in this state, have returned what it
/// returned? States must be plain values or have value equality (they are compared with
/// <see cref="Values"/> and interned), and must never be mutated: Step returns a new state.
/// </summary>
public abstract class Model
{
    /// <summary>The name used on the command line and in reports.</summary>
    public abstract string Name { get; }

    /// <summary>The state before any operation; it must match what the database starts with.</summary>
    public abstract object? Initial { get; }

    /// <summary>Why the model cannot take this operation (unknown f, malformed value), or null if it can.</summary>
    public abstract string? Problem(Operation op);

    /// <summary>True if the operation never changes the state: a crashed one can be left out of the search.</summary>
    public abstract bool ReadOnly(Operation op);

    /// <summary>
    /// Whether op, taking effect in state, is consistent with its output; next is the state after it.
    /// A crashed op has no output (Crashed is true): return the state it would leave if it took effect,
    /// or false if it cannot take effect from this state (the search may also leave it out entirely).
    /// </summary>
    public abstract bool Step(object? state, Operation op, out object? next);

    /// <summary>True if the state covers many keys (kv, multi-register), so a history over several keys may be checked
    /// whole.</summary>
    public virtual bool SpansKeys => false;

    /// <summary>
    /// The part of the state the operation touches, if the model can tell: operations on different
    /// parts commute, which lets the search try only one order of them. Null: it may touch anything.
    /// </summary>
    public virtual object? IndependenceKey(Operation op) => null;

    /// <summary>
    /// True when a crashed op can take effect in one state only (Step fails in every state not equal to
    /// it): a compare-and-set from a given value. The search then files it under that state and tries it
    /// only there, instead of asking the model about it in every configuration.
    /// </summary>
    public virtual bool OnlyIn(Operation op, out object? state)
    {
        state = null;
        return false;
    }

    /// <summary>
    /// For a model whose state is one value that operations test and replace (a register): the value op
    /// needs to find, and the value it leaves. Null (the default): the model is not such a register, and
    /// the search does not prune by values. A model that answers must keep, for every op, ok or crashed:
    /// - Reads: op can take effect only in a state equal (<see cref="Values.Same"/>) to Read; not Reads:
    ///   in every state;
    /// - Writes: op leaves the state Written; not Writes: it leaves the state as it found it.
    /// The search relies on this to ignore a crashed op whose value no op could ever find afterwards
    /// (see <see cref="Linearizability.Reductions.Horizons"/>).
    /// </summary>
    internal virtual ValueFlow? Flow(Operation op) => null;

    /// <summary>
    /// Which of the crashed ops could never be observed by any of the readers (every definite op that may
    /// follow them), so that a search may leave them out: any legal order that applies one stays legal
    /// without it. Null (the default): none known. A model that answers proves it for its own operations.
    /// </summary>
    internal virtual bool[]? Unobservable(IReadOnlyList<Operation> crashed, IReadOnlyList<Operation> readers) => null;

    /// <summary>
    /// For a model that is no register (see <see cref="Flow"/>) but can tell how long a crashed op may matter:
    /// per crashed op, the highest number of a definite op (numbered 0.. in the order given, their return
    /// order) that might still observe it, -1 if none ever could, int.MaxValue if it may always matter. The
    /// search leaves a crashed op untried once every definite op up to its horizon has taken effect, so a
    /// model that answers proves that any legal order applying it then stays legal without it. Operations
    /// after a cut (later), if given, may observe it too, as if numbered past all definite ones. Null (the
    /// default): none known.
    /// </summary>
    internal virtual int[]? Horizons(
        IReadOnlyList<Operation> definite,
        IReadOnlyList<Operation> crashed,
        IReadOnlyList<Operation>? later
    ) => null;

    /// <summary>
    /// True for a model whose state only grows between resets: every op for which <see cref="Resets"/> is false
    /// leaves a state that extends the one it found (extends: a preorder the model defines, such as "is a
    /// prefix of"), and <see cref="Reachable"/> is false only for an op that no state extending the given one
    /// lets take effect. The search then leaves a configuration as soon as a pending op that observes the state
    /// can no longer find what it returned. False (the default): no such order known.
    /// </summary>
    internal virtual bool Grows => false;

    /// <summary>With <see cref="Grows"/>: true if op may set the state to anything (never false by default).</summary>
    internal virtual bool Resets(Operation op) => true;

    /// <summary>With <see cref="Grows"/>: true if op's legality depends on the state (a read).</summary>
    internal virtual bool Observes(Operation op) => false;

    /// <summary>With <see cref="Grows"/>: false only if op (definite) can take effect in no state that extends
    /// this one.</summary>
    internal virtual bool Reachable(object? state, Operation op) => true;

    /// <summary>With <see cref="Grows"/>: false only if op (definite) can take effect in no state that extends
    /// one that reset (an op for which <see cref="Resets"/> is true) may leave, whatever state it found; or
    /// if reset leaves unchanged every part of the state op depends on (then the state op finds extends what
    /// it was before reset, which <see cref="Reachable"/> already judged).</summary>
    internal virtual bool ReachableAfter(Operation reset, Operation op) => true;

    /// <summary>A short rendering of a state for explanations.</summary>
    public virtual string Describe(object? state) => Values.Format(state);

    public override string ToString() => Name;
}

/// <summary>What one operation of a register needs to find (if Reads) and leaves (if Writes); see
/// <see cref="Model.Flow"/>.</summary>
internal readonly record struct ValueFlow(bool Reads, object? Read, bool Writes, object? Written);
