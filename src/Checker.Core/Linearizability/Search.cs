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
/// passed. This is Porcupine's "return at infinity": an operation that may take effect after
/// everything else is one that may take effect or not.
///
/// Two orders of trying them, because each is fast where the other is slow:
/// - In call order, among the definite calls (Porcupine's order). A linearization is found quickly:
///   a crashed operation is used up early, typically just before a write erases it, so it leaves the
///   list of candidates. Left for later, every crashed operation called so far stays a candidate at
///   every dead end, and with hundreds of them the search crawls. (Filed operations, below, are tried
///   first in this order: they were called before the definite candidates, typically.)
/// - Last: each configuration tries its definite candidates first, its crashed ones only when those
///   ran into a return. A configuration that used fewer crashed operations covers those that used
///   more (see <see cref="VisitedSet"/>); reaching it first lets the cache prune the rest, which is
///   what an exhaustive search (an invalid history) needs.
/// Run tries call order first, up to a number of configurations proportional to the history (valid
/// histories finish well within it), then searches again with crashed operations last.
///
/// A crashed operation is not tried right after another crashed one whose effect it erases (a write
/// after a write): the same state comes from it alone, with fewer used, by the path that skipped the
/// first. Crashed operations that are alike (same f, key and input) are interchangeable once both are
/// called, so only the earliest-called unused one of each kind is a candidate: any linearization that
/// uses a later one can use the earlier one in its place.
///
/// A crashed operation that can take effect in one state only (a compare-and-set from a value, see
/// <see cref="Model.OnlyIn"/>) is filed under that state and tried only in configurations in it. Left
/// in the lists, every such operation called so far (those whose expected value is long gone, or never
/// was) is asked about in every configuration: the work per configuration grows with the history, and
/// the search time with its square.
///
/// In a register, a crashed write (or compare-and-set) matters only while some definite operation left
/// may read the value it leaves, directly or through crashed compare-and-sets from it: past that horizon
/// it is not tried, and one whose value nobody reads is left out (see <see cref="Reductions.Horizons"/>).
/// Without this every crashed write called so far is a candidate at every dead end, and an invalid
/// history full of them is searched through every order of them before the stale read is found out.
///
/// Where the model says which part of the state an operation touches (kv keys), only candidates on
/// the same part as the first pending return are tried: operations on other parts commute with them
/// and cannot become candidates sooner, so trying them first only revisits the same outcomes in
/// another order (a partial-order reduction; one order per set of commuting operations is enough).
/// </summary>
internal static class Search
{
    const int Head = 0;

    /// <summary>Why a search in call order gave way to one with crashed operations last.</summary>
    const string CapReached = "configuration cap reached";

    /// <summary>Searches for a linearization from any of the starts (default: the model's initial state).</summary>
    public static SearchOutcome Run(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig>? starts = null
    )
    {
        starts ??= [StartConfig.Initial(model)];
        if (!all.Any(o => o.Crashed && !model.ReadOnly(o)))
            return Explore(all, model, budget, starts, null, crashedLast: true, long.MaxValue);
        var quick = Explore(all, model, budget, starts, null, crashedLast: false, cap: 4L * all.Count + 1_000);
        if (!ReferenceEquals(quick.Cause, CapReached))
            return quick;
        var thorough = Explore(all, model, budget, starts, null, crashedLast: true, long.MaxValue);
        return thorough with { Configurations = thorough.Configurations + quick.Configurations };
    }

    /// <summary>One search in one order of trying crashed operations, with no cap (for tests of each order);
    /// pruneByValues false tries every crashed operation everywhere (for tests of the horizons).</summary>
    internal static SearchOutcome RunInOrder(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        bool crashedLast,
        bool pruneByValues = true
    ) => Explore(all, model, budget, [StartConfig.Initial(model)], null, crashedLast, long.MaxValue, pruneByValues);

    /// <summary>
    /// Fills ends with every configuration the object can be in once all of these operations' definite
    /// ones took effect (crashed ones optional), keeping for each state only the smallest sets of
    /// crashed operations used. Unknown if the budget ran out, invalid if there is none. Used to cut a
    /// history in two at a quiet moment.
    /// </summary>
    public static SearchOutcome Ends(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig> starts,
        List<StartConfig> ends
    ) => Explore(all, model, budget, starts, ends, crashedLast: true, long.MaxValue);

    /// <param name="crashedLast">Crashed calls wait in a list of their own, tried when the definite ones ran into a
    /// return; else they are listed in call order with the rest.</param>
    /// <param name="cap">Past this many configurations the search stops, unknown with cause CapReached.</param>
    /// <param name="pruneByValues">Leave crashed operations untried past their horizons.</param>
    // Compiled optimized at once: a search runs it once, and its loop is where the time goes (tiered compilation
    // would run it unoptimized first). Likewise the event lists, the cache and the transitions it calls.
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    static SearchOutcome Explore(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig> starts,
        List<StartConfig>? ends,
        bool crashedLast,
        long cap,
        bool pruneByValues = true
    )
    {
        // Crashed operations that cannot change the state can never explain anything: leave them out.
        // Definite operations are numbered first, crashed ones after, to keep their bit sets apart.
        // Definite operations are numbered in the order of their returns, so that every one numbered below
        // the first pending return has taken effect: the cache then stores only that number and the few
        // operations above it taken early (see VisitedSet), not a bit for every operation of the history.
        // A crashed operation is tried only while some definite one may still need the value it leaves (its
        // horizon, see Reductions.Horizons), and left out if none ever could.
        var definiteOps = all.Where(o => !o.Crashed)
            .OrderBy(o => o.Return)
            .ThenBy(o => o.Call)
            .ThenBy(o => o.Id)
            .ToList();
        var crashedOps = all.Where(o => o.Crashed && !model.ReadOnly(o)).ToList();
        var definite = all.Count - all.Count(o => o.Crashed);
        var horizons = ends is null && pruneByValues ? Reductions.Horizons(definiteOps, crashedOps, model) : null;
        if (horizons is not null)
        {
            crashedOps = crashedOps.Where((_, c) => horizons[c] >= 0).ToList();
            horizons = horizons.Where(h => h >= 0).ToArray();
        }
        var ops = definiteOps.Concat(crashedOps).Select((o, i) => o.WithId(i)).ToList();
        var n = ops.Count;

        // Crashed ops that can take effect in one state only are filed under it (in call order) and kept out
        // of the lists: they are tried only in configurations in that state, not asked about in every one.
        var table = new StateTable(model, ops);
        var filed = new bool[n - definite];
        var filedUnder = new Dictionary<int, List<int>>();
        var filedAt = new int[n - definite]; // each filed op's place in its state's list
        foreach (var c in Enumerable.Range(definite, n - definite).OrderBy(c => ops[c].Call).ThenBy(c => c))
        {
            if (!model.OnlyIn(ops[c], out var only))
                continue;
            var id = table.Intern(only);
            if (!filedUnder.TryGetValue(id, out var under))
                filedUnder[id] = under = [];
            filed[c - definite] = true;
            filedAt[c - definite] = under.Count;
            under.Add(c);
        }
        var events = new HistoryEvents(ops, definite, crashedLast, filedUnder.Count > 0 ? filed : null);
        var (list, crashedCalls, returns) = (events.Listed, events.CrashedCalls, events.Returns);
        var crashedList = crashedLast ? crashedCalls : list; // where crashed calls wait
        var (opOf, isCall, returnNode, callNode) = (events.OpOf, events.IsCall, events.ReturnNode, events.CallNode);

        var part = Reductions.PartsOf(ops, model);
        var twin = Reductions.EarlierTwins(ops, definite);
        var linearized = new ulong[Math.Max(1, (definite + 63) / 64)];
        var used = new ulong[(n - definite + 63) / 64];
        var zobrist = new ulong[n];
        var random = new Random(n);
        for (var i = 0; i < n; i++)
            zobrist[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
        var visited = new VisitedSet(used.Length);

        void Flip(int op)
        {
            if (op < definite)
                linearized[op >> 6] ^= 1UL << op;
            else
                used[(op - definite) >> 6] ^= 1UL << (op - definite);
        }

        bool Used(int op) => (used[(op - definite) >> 6] & (1UL << (op - definite))) != 0;

        // Each configuration tries its candidates in passes: Listed (definite calls, and crashed ones when
        // they are not last), CrashedApart (crashed calls waiting apart), Filed (those filed under its state).
        const int Listed = 0,
            CrashedApart = 1,
            Filed = 2;
        var firstPass = crashedLast || filedUnder.Count == 0 ? Listed : Filed;
        int NextPass(int pass) =>
            crashedLast ? (pass == Filed ? -1 : pass + 1)
            : pass == Filed ? Listed
            : -1;
        bool IsFiled(int op) => op >= definite && filed[op - definite];
        var stack = new List<(int Node, int State, int Pass, int High)>();
        var high = -1; // the highest-numbered definite operation linearized
        ulong hash = 0;
        var endConfigs = new Dictionary<int, List<ulong[]>>();

        // The furthest return the search ever had to stop at, for the explanation. The stack there is
        // copied incrementally: entries below the low-water mark are unchanged since the last copy.
        var barrier = -1;
        var barrierStack = new int[16];
        var barrierDepth = 0;
        var lowWater = 0;
        var barrierStates = new List<int>();
        long steps = 0;

        foreach (var start in starts)
        {
            // Crashed operations this start already used up are out of the list, as if linearized.
            Array.Clear(used);
            var usedUp = new List<int>();
            for (var c = definite; c < n; c++)
            {
                if (!start.Used.Contains(ops[c].Invoke.Index))
                    continue;
                Flip(c);
                if (IsFiled(c))
                    continue;
                crashedList.Remove(callNode[c]);
                usedUp.Add(callNode[c]);
            }
            var state = table.Intern(start.State);
            var focus = Focus();
            var pass = firstPass;
            var entry = First(pass); // a node of the pass's list, or (Filed) a place in the state's list
            while (true)
            {
                if (
                    (++steps & 4095) == 0
                    && (budget.Exhausted(visited.Bytes + table.Bytes) ?? (visited.Count > cap ? CapReached : null))
                        is { } why
                )
                    return new SearchOutcome(Verdict.Unknown, why, null, [], [], [], visited.Count);
                var blocking = returns.Next[Head]; // the first pending return, or -1 when all are passed
                if (blocking < 0)
                {
                    if (ends is null)
                    {
                        var order = stack.Select(s => ops[opOf[s.Node]]).ToList();
                        return new SearchOutcome(Verdict.Valid, null, null, order, [], order, visited.Count);
                    }
                    // Collecting ends: record and backtrack. A crashed operation taking effect now is the
                    // same as one taking effect first thing after the cut, where it stays available.
                    RecordEnd(state);
                }
                else if (Candidate(pass, entry, state, blocking) is var op and >= 0)
                {
                    var node = pass == Filed ? callNode[op] : entry;
                    var skip =
                        (IsFiled(op) && Used(op))
                        || (focus >= 0 && part![op] != focus)
                        || (op >= definite && twin[op - definite] is var t and >= 0 && !Used(t))
                        || (op >= definite && horizons is not null && horizons[op - definite] < opOf[blocking]);
                    var after = skip ? -1 : table.Step(state, op);
                    // A crashed operation right after another whose effect it erases (a write after a
                    // write) only wastes the first: the same state comes from this one alone, with
                    // fewer used, by the path that skipped the first.
                    if (
                        after >= 0
                        && op >= definite
                        && stack.Count > 0
                        && opOf[stack[^1].Node] >= definite
                        && table.Step(stack[^1].State, op) == after
                    )
                        after = -1;
                    if (after >= 0)
                    {
                        Flip(op);
                        var newHash = op < definite ? hash ^ zobrist[op] : hash;
                        var newHigh = op < definite ? Math.Max(high, op) : high;
                        var r = FirstPending(op);
                        if (visited.Add(linearized, r, newHigh, used, after, newHash))
                        {
                            hash = newHash;
                            stack.Add((node, state, pass, high));
                            high = newHigh;
                            state = after;
                            if (op >= definite)
                            {
                                if (!IsFiled(op))
                                    crashedList.Remove(node);
                            }
                            else
                            {
                                list.Remove(node);
                                list.Remove(returnNode[op]);
                                returns.Remove(returnNode[op]);
                                focus = Focus();
                            }
                            pass = firstPass;
                            entry = First(pass);
                            continue;
                        }
                        Flip(op);
                    }
                    entry = Following(pass, entry);
                    continue;
                }
                else if (NextPass(pass) is var nextPass and >= 0)
                {
                    // This pass's candidates ran out (into a return): on to the next kind.
                    pass = nextPass;
                    entry = First(pass);
                    continue;
                }

                // Nothing more to try here: backtrack (remembering the furthest return that blocked).
                if (blocking > barrier)
                {
                    barrier = blocking;
                    if (barrierStack.Length < stack.Count)
                        Array.Resize(ref barrierStack, stack.Count * 2);
                    for (var i = lowWater; i < stack.Count; i++)
                        barrierStack[i] = opOf[stack[i].Node];
                    barrierDepth = lowWater = stack.Count;
                    barrierStates.Clear();
                }
                if (blocking >= 0 && blocking == barrier && barrierStates.Count < 8 && !barrierStates.Contains(state))
                    barrierStates.Add(state);
                if (stack.Count == 0)
                    break;
                var (undoneNode, before, undonePass, previousHigh) = stack[^1];
                high = previousHigh;
                stack.RemoveAt(stack.Count - 1);
                lowWater = Math.Min(lowWater, stack.Count);
                pass = undonePass;
                var undone = opOf[undoneNode];
                if (undone >= definite)
                {
                    if (!IsFiled(undone))
                        crashedList.Restore(undoneNode);
                }
                else
                {
                    returns.Restore(returnNode[undone]);
                    list.Restore(returnNode[undone]);
                    list.Restore(undoneNode);
                    focus = Focus();
                }
                Flip(undone);
                if (undone < definite)
                    hash ^= zobrist[undone];
                state = before;
                entry = pass == Filed ? filedAt[undone - definite] + 1 : Following(pass, undoneNode);
            }
            for (var i = usedUp.Count - 1; i >= 0; i--)
                crashedList.Restore(usedUp[i]);
        }

        if (ends is not null)
        {
            foreach (var (s, sets) in endConfigs)
            foreach (var bits in sets)
                ends.Add(new StartConfig(table[s], UsedSet(bits)));
            return new SearchOutcome(
                ends.Count > 0 ? Verdict.Valid : Verdict.Invalid,
                null,
                null,
                [],
                [],
                [],
                visited.Count
            );
        }
        return new SearchOutcome(
            Verdict.Invalid,
            null,
            ops[opOf[barrier]],
            barrierStack.Take(barrierDepth).Select(i => ops[i]).ToList(),
            barrierStates.Select(s => table[s]).ToList(),
            [],
            visited.Count
        );

        // The lowest-numbered definite operation not linearized once op is (definite if none): the
        // first pending return, skipping op's own when it is that one.
        int FirstPending(int op)
        {
            var first = returns.Next[Head];
            if (first >= 0 && opOf[first] == op)
                first = returns.Next[first];
            return first < 0 ? definite : opOf[first];
        }

        // The crashed operations marked in bits, by invoke index.
        HashSet<long> UsedSet(ulong[] bits) =>
            Enumerable
                .Range(definite, n - definite)
                .Where(c => (bits[(c - definite) >> 6] & (1UL << (c - definite))) != 0)
                .Select(c => ops[c].Invoke.Index)
                .ToHashSet();

        // Keeps, per state, only the smallest sets of crashed operations used (fewer used covers more).
        void RecordEnd(int state)
        {
            if (!endConfigs.TryGetValue(state, out var sets))
                endConfigs[state] = sets = [];
            if (sets.Any(s => Subset(s, used)))
                return;
            sets.RemoveAll(s => Subset(used, s));
            sets.Add((ulong[])used.Clone());
        }

        int First(int pass) =>
            pass switch
            {
                Listed => list.Next[Head],
                CrashedApart => crashedCalls.Next[Head],
                _ => 0,
            };

        int Following(int pass, int entry) =>
            pass switch
            {
                Listed => list.Next[entry],
                CrashedApart => crashedCalls.Next[entry],
                _ => entry + 1,
            };

        // The op at entry if it is a candidate (called before the first pending return), else -1: this pass is done.
        int Candidate(int pass, int entry, int state, int blocking)
        {
            switch (pass)
            {
                case Listed:
                    return entry >= 0 && isCall[entry] ? opOf[entry] : -1;
                case CrashedApart:
                    return entry >= 0 && entry < blocking ? opOf[entry] : -1;
                default:
                    if (!filedUnder.TryGetValue(state, out var under) || entry >= under.Count)
                        return -1;
                    var op = under[entry];
                    return callNode[op] < blocking ? op : -1;
            }
        }

        // The part of the state of the first pending return's operation, or -1 to try every candidate.
        int Focus() => part is null || returns.Next[Head] < 0 ? -1 : part[opOf[returns.Next[Head]]];
    }

    static bool Subset(ulong[] small, ulong[] big)
    {
        for (var i = 0; i < small.Length; i++)
            if ((small[i] & ~big[i]) != 0)
                return false;
        return true;
    }
}
