using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>
/// Wing &amp; Gong's search with Lowe's refinements, as in Porcupine. The history becomes one list of
/// call and return events in time order. Walking it, the search tries to linearize (make take effect)
/// any operation whose call it meets; meeting a return means that operation must already have taken
/// effect, so the search backtracks to its last choice. Only calls before the first pending return
/// are candidates: that is "just-in-time" linearization, and it keeps the branching small.
///
/// Intervals are closed: at equal times calls sort before returns, so two operations that touch the
/// same instant count as concurrent. Without timestamps (Jepsen text logs) positions serve as times.
///
/// Crashed operations have a call and no return: the search may linearize them at any point after
/// their call, or never, so they never block it. The history is linearizable once every return is
/// passed.
///
/// Each configuration tries its definite candidates before its crashed ones: a linearization that
/// uses fewer crashed operations covers more (see <see cref="VisitedSet"/>), so finding it first lets
/// the cache prune the rest.
///
/// Crashed operations that are alike (same f, key and input) are interchangeable once both are
/// called, so only the earliest-called unused one of each kind is a candidate: any linearization that
/// uses a later one can use the earlier one in its place.
///
/// Where the model says which part of the state an operation touches (kv keys), only candidates on
/// the same part as the first pending return are tried: operations on other parts commute with them
/// and cannot become candidates sooner, so trying them first only revisits the same outcomes in
/// another order (a partial-order reduction; one order per set of commuting operations is enough).
/// </summary>
internal static class Search
{
    const int Head = 0;

    /// <summary>Searches for a linearization starting from any of the initial states (default: the model's).</summary>
    public static SearchOutcome Run(IReadOnlyList<Operation> all, Model model, Budget budget, IReadOnlyList<object?>? initial = null) =>
        Explore(all, model, budget, initial, null);

    /// <summary>
    /// Every state the object can be in once all of these operations took effect (crashed ones
    /// optional), or null if the budget ran out. Used to cut a history in two at a quiet moment.
    /// </summary>
    public static List<object?>? EndStates(IReadOnlyList<Operation> all, Model model, Budget budget, IReadOnlyList<object?>? initial = null)
    {
        var ends = new List<object?>();
        return Explore(all, model, budget, initial, ends).Verdict == Verdict.Unknown ? null : ends;
    }

    static SearchOutcome Explore(IReadOnlyList<Operation> all, Model model, Budget budget, IReadOnlyList<object?>? initial, List<object?>? ends)
    {
        // Crashed operations that cannot change the state can never explain anything: leave them out.
        // Definite operations are numbered first, crashed ones after, to keep their bit sets apart.
        var ops = all.Where(o => !o.Crashed)
            .Concat(all.Where(o => o.Crashed && !model.ReadOnly(o)))
            .Select((o, i) => o.WithId(i))
            .ToList();
        var n = ops.Count;
        var definite = ops.Count(o => !o.Crashed);

        // Events in time order; node 0 is the list head, node k+1 is event k.
        var events = new List<(long Time, int Kind, int Op)>(n + definite);
        foreach (var o in ops)
        {
            events.Add((o.Call, 0, o.Id));
            if (!o.Crashed) events.Add((o.Return, 1, o.Id));
        }
        events.Sort();
        var nodes = events.Count + 1;
        var list = new LinkedEvents(nodes);
        var returns = new LinkedEvents(nodes); // the return events alone, to find the first pending one
        var opOf = new int[nodes];
        var isCall = new bool[nodes];
        var returnNode = new int[n];
        Array.Fill(returnNode, -1);
        var lastReturn = Head;
        for (var k = 0; k < events.Count; k++)
        {
            var node = k + 1;
            opOf[node] = events[k].Op;
            isCall[node] = events[k].Kind == 0;
            list.Append(node - 1, node);
            if (isCall[node]) continue;
            returnNode[events[k].Op] = node;
            returns.Append(lastReturn, node);
            lastReturn = node;
        }

        var part = Reductions.PartsOf(ops, model);
        var twin = Reductions.EarlierTwins(ops, definite);
        var table = new StateTable(model, ops);
        var linearized = new ulong[Math.Max(1, (definite + 63) / 64)];
        var used = new ulong[(n - definite + 63) / 64];
        var zobrist = new ulong[n];
        var random = new Random(n);
        for (var i = 0; i < n; i++) zobrist[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
        var visited = new VisitedSet(linearized.Length, used.Length);

        void Flip(int op)
        {
            if (op < definite) linearized[op >> 6] ^= 1UL << op;
            else used[(op - definite) >> 6] ^= 1UL << (op - definite);
        }

        bool Used(int op) => (used[(op - definite) >> 6] & (1UL << (op - definite))) != 0;

        var stack = new Stack<(int Node, int State, bool CrashedPass)>();
        ulong hash = 0;
        var endStates = new HashSet<int>();

        // The furthest return the search ever had to stop at, for the explanation.
        var barrier = -1;
        int[] barrierStack = [];
        var barrierStates = new List<int>();
        long steps = 0;

        foreach (var start in (initial ?? [model.Initial]).Select(table.Intern).Distinct())
        {
            var state = start;
            var entry = list.Next[Head];
            var focus = Focus();
            var crashedPass = false; // first pass: definite candidates; second pass: crashed ones
            while (true)
            {
                if ((++steps & 4095) == 0 && budget.Exhausted(visited.Bytes) is { } why)
                    return new SearchOutcome(Verdict.Unknown, why, null, [], [], [], visited.Count);
                if (returns.Next[Head] < 0)
                {
                    if (ends is null)
                    {
                        var order = stack.Select(s => ops[opOf[s.Node]]).Reverse().ToList();
                        return new SearchOutcome(Verdict.Valid, null, null, order, [], order, visited.Count);
                    }
                    endStates.Add(state); // and go on: crashed operations may still take effect
                }
                if (entry >= 0 && isCall[entry])
                {
                    var op = opOf[entry];
                    var skip = (op >= definite) != crashedPass
                        || (focus >= 0 && part![op] != focus)
                        || (op >= definite && twin[op - definite] is var t and >= 0 && !Used(t));
                    var after = skip ? -1 : table.Step(state, op);
                    if (after >= 0)
                    {
                        Flip(op);
                        var newHash = op < definite ? hash ^ zobrist[op] : hash;
                        if (visited.Add(linearized, used, after, newHash))
                        {
                            hash = newHash;
                            stack.Push((entry, state, crashedPass));
                            crashedPass = false;
                            state = after;
                            list.Remove(entry);
                            if (returnNode[op] >= 0)
                            {
                                list.Remove(returnNode[op]);
                                returns.Remove(returnNode[op]);
                                focus = Focus();
                            }
                            entry = list.Next[Head];
                            continue;
                        }
                        Flip(op);
                    }
                    entry = list.Next[entry];
                    continue;
                }

                // A return (its operation has not taken effect, and now it is too late) or the end
                // of the list: try the crashed candidates, then backtrack.
                if (!crashedPass && definite < n)
                {
                    crashedPass = true;
                    entry = list.Next[Head];
                    continue;
                }
                if (entry > barrier)
                {
                    barrier = entry;
                    barrierStack = stack.Select(s => opOf[s.Node]).Reverse().ToArray();
                    barrierStates.Clear();
                }
                if (entry >= 0 && entry == barrier && barrierStates.Count < 8 && !barrierStates.Contains(state)) barrierStates.Add(state);
                if (stack.Count == 0) break;
                var (node, before, pass) = stack.Pop();
                crashedPass = pass;
                var undone = opOf[node];
                if (returnNode[undone] >= 0)
                {
                    returns.Restore(returnNode[undone]);
                    list.Restore(returnNode[undone]);
                    focus = Focus();
                }
                list.Restore(node);
                Flip(undone);
                if (undone < definite) hash ^= zobrist[undone];
                state = before;
                entry = list.Next[node];
            }
        }

        if (ends is not null)
        {
            ends.AddRange(endStates.Select(s => table[s]));
            return new SearchOutcome(ends.Count > 0 ? Verdict.Valid : Verdict.Invalid, null, null, [], [], [], visited.Count);
        }
        return new SearchOutcome(
            Verdict.Invalid,
            null,
            ops[opOf[barrier]],
            barrierStack.Select(i => ops[i]).ToList(),
            barrierStates.Select(s => table[s]).ToList(),
            [],
            visited.Count);

        // The part of the state of the first pending return's operation, or -1 to try every candidate.
        int Focus() => part is null || returns.Next[Head] < 0 ? -1 : part[opOf[returns.Next[Head]]];
    }
}
