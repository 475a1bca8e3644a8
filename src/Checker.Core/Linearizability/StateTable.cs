using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>
/// Interns model states as small integers and remembers every transition, so the search compares
/// and hashes ints, and asks the model about each (state, operation) pair only once. Histories revisit
/// the same few states constantly (a register holds one of a handful of values), which is why this pays.
/// </summary>
internal sealed class StateTable
{
    readonly Model model;
    readonly IReadOnlyList<Operation> ops;
    readonly List<object?> states = [];
    readonly Dictionary<StateKey, int> ids = [];
    readonly Dictionary<long, int> transitions;

    public StateTable(Model model, IReadOnlyList<Operation> ops)
    {
        this.model = model;
        this.ops = ops;
        // Every operation is taken at least once on the way to an answer, most in one state or two: sized for
        // that, the table grows rarely instead of doubling its way up from empty.
        transitions = new Dictionary<long, int>(ops.Count + ops.Count / 2);
        Initial = Intern(model.Initial);
    }

    public int Initial { get; }

    public int Count => states.Count;

    /// <summary>
    /// Approximate bytes held: the states and the transitions, for the memory budget. A model whose states
    /// are collections (a queue's every order of its elements) can hold far more here than the search's cache.
    /// </summary>
    public long Bytes { get; private set; }

    const long TransitionBytes = 40; // a Dictionary<long, int> entry and its bucket, with the table's slack
    const long StateEntryBytes = 80; // a slot in the list, an entry and bucket in the id map

    public object? this[int id] => states[id];

    /// <summary>The state after ops[op] taken from state, or -1 if the op is inconsistent there.</summary>
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    public int Step(int state, int op)
    {
        var key = ((long)state << 32) | (uint)op;
        if (transitions.TryGetValue(key, out var next))
            return next;
        next = model.Step(states[state], ops[op], out var after) ? Intern(after) : -1;
        transitions[key] = next;
        Bytes += TransitionBytes;
        return next;
    }

    /// <summary>The number of a state, assigning one if it is new.</summary>
    public int Intern(object? state)
    {
        var key = new StateKey(state);
        if (ids.TryGetValue(key, out var id))
            return id;
        id = states.Count;
        states.Add(state);
        ids[key] = id;
        Bytes += StateEntryBytes + OwnBytes(state);
        return id;
    }

    /// <summary>
    /// What a new state adds: immutable collections share all but a path of nodes with the state they came
    /// from (about log2 of their size), a string is its characters, anything else a small object.
    /// </summary>
    static long OwnBytes(object? state) =>
        state switch
        {
            null => 0,
            string s => 24 + 2L * s.Length,
            System.Collections.ICollection c => 64 * (2 + (long)Math.Log2(c.Count + 1)),
            _ => 32,
        };

    readonly record struct StateKey(object? State)
    {
        public bool Equals(StateKey other) => Values.Same(State, other.State);

        public override int GetHashCode() => Values.Hash(State);
    }
}
