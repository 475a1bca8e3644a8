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
    readonly Dictionary<long, int> transitions = [];

    public StateTable(Model model, IReadOnlyList<Operation> ops)
    {
        this.model = model;
        this.ops = ops;
        Initial = Intern(model.Initial);
    }

    public int Initial { get; }

    public int Count => states.Count;

    public object? this[int id] => states[id];

    /// <summary>The state after ops[op] taken from state, or -1 if the op is inconsistent there.</summary>
    public int Step(int state, int op)
    {
        var key = ((long)state << 32) | (uint)op;
        if (transitions.TryGetValue(key, out var next)) return next;
        next = model.Step(states[state], ops[op], out var after) ? Intern(after) : -1;
        transitions[key] = next;
        return next;
    }

    /// <summary>The number of a state, assigning one if it is new.</summary>
    public int Intern(object? state)
    {
        var key = new StateKey(state);
        if (ids.TryGetValue(key, out var id)) return id;
        id = states.Count;
        states.Add(state);
        ids[key] = id;
        return id;
    }

    readonly record struct StateKey(object? State)
    {
        public bool Equals(StateKey other) => Values.Same(State, other.State);
        public override int GetHashCode() => Values.Hash(State);
    }
}
