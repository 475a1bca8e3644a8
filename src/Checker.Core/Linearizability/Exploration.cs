using System.Runtime.CompilerServices;
using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>
/// One search of <see cref="Search"/> in one order of trying crashed operations: the operations numbered
/// and threaded into event lists, then a depth-first walk over configurations (which operations took
/// effect, the state, which crashed ones were used) with an explicit stack. Run it once.
/// </summary>
// The walk and the set-up are compiled optimized at once (AggressiveOptimization): a search runs them once,
// and the walk's loop is where the time goes (tiered compilation would run them unoptimized first, for the
// first few dozen searches of a corpus of small histories). Likewise the event lists, the cache and the
// transitions it calls.
internal sealed class Exploration
{
    const int Head = 0;

    /// <summary>Why a search stopped at its configuration cap (Search then tries the other order).</summary>
    public const string CapReached = "configuration cap reached";

    // Each configuration tries its candidates in passes: Listed (definite calls, and crashed ones when
    // they are not last), CrashedApart (crashed calls waiting apart), Filed (those filed under its state).
    const int Listed = 0,
        CrashedApart = 1,
        Filed = 2;

    readonly Budget budget;
    readonly Model model;
    readonly IReadOnlyList<StartConfig> starts;
    readonly List<StartConfig>? ends;
    readonly bool crashedLast;
    readonly long cap;

    // The operations: definite ones numbered 0..definite-1 in return order, crashed ones after.
    readonly List<Operation> ops;
    readonly int n;
    readonly int definite;
    readonly StateTable table;

    // What lets the walk skip candidates (see Search and Reductions).
    readonly int[]? horizons;
    readonly int[]? part;
    readonly int[] twin;
    readonly bool[] filed;
    readonly Dictionary<int, List<int>> filedUnder;
    readonly int[] filedAt; // each filed op's place in its state's list
    readonly int firstPass;

    // Dead ends told early (see Model.Grows): per definite op numbered i, the first op numbered i or above
    // that observes the state (definite if none); the ops that may reset the state, by call; and what the
    // model said about each (state, observer) pair.
    readonly int[]? nextObserver;
    readonly int[] resets = [];
    readonly int[][]? rescuers;
    readonly Dictionary<long, bool> reachable = [];
    readonly Dictionary<long, bool> reachableAfter = [];

    // The events, threaded into lists that the walk unlinks and relinks.
    readonly LinkedEvents list;
    readonly LinkedEvents crashedCalls;
    readonly LinkedEvents returns;
    readonly LinkedEvents crashedList; // where crashed calls wait
    readonly int[] opOf;
    readonly bool[] isCall;
    readonly int[] returnNode;
    readonly int[] callNode;

    // The current configuration, and the stack of choices that led to it.
    readonly ulong[] linearized;
    readonly ulong[] used;
    readonly ulong[] zobrist;
    readonly VisitedSet visited;
    readonly List<(int Node, int State, int Pass, int High)> stack = [];
    int high = -1; // the highest-numbered definite operation linearized
    ulong hash;
    int state;
    int focus;
    int pass;
    int entry; // a node of the pass's list, or (Filed) a place in the state's list
    long steps;
    readonly Dictionary<int, List<ulong[]>> endConfigs = [];

    // The furthest return the search ever had to stop at, for the explanation. The stack there is
    // copied incrementally: entries below the low-water mark are unchanged since the last copy.
    int barrier = -1;
    int[] barrierStack = new int[16];
    int barrierDepth;
    int lowWater;
    readonly List<int> barrierStates = [];

    /// <param name="ends">If given, the search collects every configuration at the end instead of stopping at
    /// the first (see <see cref="Search.Ends"/>).</param>
    /// <param name="crashedLast">Crashed calls wait in a list of their own, tried when the definite ones ran into
    /// a return; else they are listed in call order with the rest.</param>
    /// <param name="cap">Past this many configurations the search stops, unknown with cause CapReached.</param>
    /// <param name="pruneFrom">From this many crashed operations on, leave them untried past their horizons
    /// (0: always; int.MaxValue: never).</param>
    /// <param name="later">Collecting ends: the operations after the cut, which may read what these leave;
    /// without them the search does not prune by values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Exploration(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig> starts,
        List<StartConfig>? ends,
        bool crashedLast,
        long cap,
        int pruneFrom,
        IReadOnlyList<Operation>? later = null
    )
    {
        (this.budget, this.starts, this.ends, this.crashedLast, this.cap) = (budget, starts, ends, crashedLast, cap);
        (ops, definite, horizons) = Number(
            all,
            model,
            ends is null || later is not null ? pruneFrom : int.MaxValue,
            later
        );
        n = ops.Count;
        table = new StateTable(model, ops);
        (filed, filedUnder, filedAt) = FileByState(model);
        firstPass = crashedLast || filedUnder.Count == 0 ? Listed : Filed;

        var events = new HistoryEvents(ops, definite, crashedLast, filedUnder.Count > 0 ? filed : null);
        (list, crashedCalls, returns) = (events.Listed, events.CrashedCalls, events.Returns);
        crashedList = crashedLast ? crashedCalls : list;
        (opOf, isCall, returnNode, callNode) = (events.OpOf, events.IsCall, events.ReturnNode, events.CallNode);

        this.model = model;
        if (pruneFrom != int.MaxValue && model.Grows)
            (nextObserver, resets, rescuers) = Observers(model);
        part = Reductions.PartsOf(ops, model);
        twin = Reductions.EarlierTwins(ops, definite);
        linearized = new ulong[Math.Max(1, (definite + 63) / 64)];
        used = new ulong[(n - definite + 63) / 64];
        zobrist = new ulong[n];
        var random = new Random(n);
        for (var i = 0; i < n; i++)
            zobrist[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
        visited = new VisitedSet(used.Length);
    }

    /// <summary>
    /// Crashed operations that cannot change the state can never explain anything: they are left out.
    /// Definite operations are numbered first, crashed ones after, to keep their bit sets apart.
    /// Definite operations are numbered in the order of their returns, so that every one numbered below
    /// the first pending return has taken effect: the cache then stores only that number and the few
    /// operations above it taken early (see VisitedSet), not a bit for every operation of the history.
    /// A crashed operation is tried only while some definite one may still need the value it leaves (its
    /// horizon, see Reductions.Horizons, or the model's own, <see cref="Model.Horizons"/>), and left out if
    /// none ever could, or if the model says none could ever observe it (<see cref="Model.Unobservable"/>).
    /// </summary>
    /// <summary>With fewer crashed operations than this, pruning by values saves less than it costs to set up
    /// (only the time changes: the search without it is as right). Tests of the pruning ask for it always.</summary>
    public const int PruneFrom = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static (List<Operation> Ops, int Definite, int[]? Horizons) Number(
        IReadOnlyList<Operation> all,
        Model model,
        int pruneFrom,
        IReadOnlyList<Operation>? later
    )
    {
        var definiteOps = all.Where(o => !o.Crashed)
            .OrderBy(o => o.Return)
            .ThenBy(o => o.Call)
            .ThenBy(o => o.Id)
            .ToList();
        var crashedOps = all.Where(o => o.Crashed && !model.ReadOnly(o)).ToList();
        var readers = later is null ? definiteOps : [.. definiteOps, .. later.Where(o => !o.Crashed)];
        if (crashedOps.Count >= pruneFrom && model.Unobservable(crashedOps, readers) is { } unobservable)
            crashedOps = crashedOps.Where((_, c) => !unobservable[c]).ToList();
        var horizons =
            crashedOps.Count >= pruneFrom
                ? Reductions.Horizons(definiteOps, crashedOps, model, later)
                    ?? model.Horizons(definiteOps, crashedOps, later)
                : null;
        if (horizons is not null)
        {
            crashedOps = crashedOps.Where((_, c) => horizons[c] >= 0).ToList();
            horizons = horizons.Where(h => h >= 0).ToArray();
        }
        var ops = definiteOps.Concat(crashedOps).Select((o, i) => o.WithId(i)).ToList();
        return (ops, definiteOps.Count, horizons);
    }

    /// <summary>Past this many ops that may reset the state, dead ends are not told early (looking for a
    /// pending one would cost more than it saves).</summary>
    const int MostResets = 256;

    /// <summary>How many pending observers each new configuration is held against (the first ones by return);
    /// past <see cref="MostPairs"/> observer and reset pairs, only the first.</summary>
    const int ObserversChecked = 64;

    const long MostPairs = 2_000_000;

    /// <summary>For <see cref="Unreachable"/>: the observers after each definite op, the resets by call
    /// (null observers when there are too many resets), and per observer the resets called before it returns
    /// that may lead to a state it finds (null: not worked out, each check then looks at every reset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    (int[]? NextObserver, int[] Resets, int[][]? Rescuers) Observers(Model model)
    {
        var resetting = Enumerable.Range(0, n).Where(o => model.Resets(ops[o])).OrderBy(o => ops[o].Call).ToArray();
        if (resetting.Length > MostResets)
            return (null, [], null);
        var next = new int[definite + 1];
        next[definite] = definite;
        var observers = 0;
        for (var i = definite - 1; i >= 0; i--)
        {
            next[i] = model.Observes(ops[i]) ? i : next[i + 1];
            observers += next[i] == i ? 1 : 0;
        }
        if ((long)observers * resetting.Length > MostPairs)
            return (next, resetting, null);
        var rescuers = new int[definite][];
        for (var i = 0; i < definite; i++)
            if (next[i] == i)
                rescuers[i] = resetting
                    .TakeWhile(r => ops[r].Call <= ops[i].Return)
                    .Where(r => ReachableAfter(r, i))
                    .ToArray();
        return (next, resetting, rescuers);
    }

    /// <summary>
    /// True if taking op, leading to state after, leaves a configuration from which no linearization can
    /// follow: a definite op still pending that observes the state (a get) could never find it. Until it
    /// takes effect the state only grows, but for the resets still pending and called before it returns (any
    /// op called later cannot take effect first); the last reset to take effect before it, if any, leaves a
    /// state that grows from there. So it is a dead end if the model says neither this state nor what any of
    /// those resets leaves can grow into one the op finds (see <see cref="Model.Grows"/>). The first pending
    /// observers (by return) are asked, up to <see cref="ObserversChecked"/>; the search cannot pass the
    /// return of one found so: that is where it stopped, for the explanation (and the history up to that
    /// return stays a counterexample, as the shrinker relies on).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool Unreachable(int op, int after)
    {
        var first = returns.Next[Head];
        var asked = 0;
        for (var j = nextObserver![first < 0 ? definite : opOf[first]]; j < definite; j = nextObserver[j + 1])
        {
            if (j == op || Linearized(j))
                continue;
            if (Dead(op, after, j))
            {
                NoteBarrier(returnNode[j]);
                return true;
            }
            if (rescuers is null || ++asked == ObserversChecked)
                break;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool Dead(int op, int after, int j)
    {
        if (rescuers is not null)
        {
            foreach (var r in rescuers[j])
                if (r != op && !Taken(r))
                    return false;
        }
        else
            foreach (var r in resets)
            {
                if (ops[r].Call > ops[j].Return)
                    break;
                if (r != op && !Taken(r) && ReachableAfter(r, j))
                    return false;
            }
        var key = ((long)after << 32) | (uint)j;
        if (!reachable.TryGetValue(key, out var can))
            reachable[key] = can = model.Reachable(table[after], ops[j]);
        return !can;
    }

    bool Taken(int op) => op < definite ? Linearized(op) : Used(op);

    bool ReachableAfter(int reset, int observer)
    {
        var key = ((long)reset << 32) | (uint)observer;
        if (!reachableAfter.TryGetValue(key, out var can))
            reachableAfter[key] = can = model.ReachableAfter(ops[reset], ops[observer]);
        return can;
    }

    /// <summary>
    /// Crashed ops that can take effect in one state only are filed under it (in call order) and kept out
    /// of the lists: they are tried only in configurations in that state, not asked about in every one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    (bool[] Filed, Dictionary<int, List<int>> Under, int[] At) FileByState(Model model)
    {
        var isFiled = new bool[n - definite];
        var under = new Dictionary<int, List<int>>();
        var at = new int[n - definite];
        foreach (var c in Enumerable.Range(definite, n - definite).OrderBy(c => ops[c].Call).ThenBy(c => c))
        {
            if (!model.OnlyIn(ops[c], out var only))
                continue;
            var id = table.Intern(only);
            if (!under.TryGetValue(id, out var those))
                under[id] = those = [];
            isFiled[c - definite] = true;
            at[c - definite] = those.Count;
            those.Add(c);
        }
        return (isFiled, under, at);
    }

    /// <summary>Walks from each start in turn; valid at the first linearization found (unless collecting
    /// ends), unknown if the budget or cap ran out, else invalid with the furthest return reached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SearchOutcome Run()
    {
        foreach (var start in starts)
        {
            var usedUp = Begin(start);
            if (Walk() is { } stopped)
                return stopped;
            for (var i = usedUp.Count - 1; i >= 0; i--)
                crashedList.Restore(usedUp[i]);
        }
        return ends is not null ? CollectedEnds(ends) : Refuted();
    }

    /// <summary>Sets up the root configuration of a start; returns the crashed calls it unlinked (already
    /// used: out of the list, as if linearized).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    List<int> Begin(StartConfig start)
    {
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
        state = table.Intern(start.State);
        focus = Focus();
        pass = firstPass;
        entry = First(pass);
        return usedUp;
    }

    /// <summary>The depth-first walk from the root configuration: an outcome that ends the search (valid, or
    /// unknown), or null once every configuration reachable from this start was explored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    SearchOutcome? Walk()
    {
        while (true)
        {
            if ((++steps & 4095) == 0 && OutOfBudget() is { } why)
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
                RecordEnd();
            }
            else if (Candidate(blocking) is var op and >= 0)
            {
                if (!TryLinearize(op, blocking))
                    entry = Following(pass, entry);
                continue;
            }
            else if (NextPass() is var nextPass and >= 0)
            {
                // This pass's candidates ran out (into a return): on to the next kind.
                pass = nextPass;
                entry = First(pass);
                continue;
            }

            // Nothing more to try here: backtrack (remembering the furthest return that blocked).
            NoteBarrier(blocking);
            if (stack.Count == 0)
                return null;
            Backtrack();
        }
    }

    string? OutOfBudget() => budget.Exhausted(visited.Bytes + table.Bytes) ?? (visited.Count > cap ? CapReached : null);

    /// <summary>Takes op (the current entry's) if it may take effect here and leads to a configuration not
    /// covered by one already explored; false if it was skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool TryLinearize(int op, int blocking)
    {
        var node = pass == Filed ? callNode[op] : entry;
        var after = Skipped(op, blocking) ? -1 : table.Step(state, op);
        if (after < 0 || ErasesPreviousCrashed(op, after) || (nextObserver is not null && Unreachable(op, after)))
            return false;
        Flip(op);
        var newHash = op < definite ? hash ^ zobrist[op] : hash;
        var newHigh = op < definite ? Math.Max(high, op) : high;
        if (!visited.Add(linearized, FirstPending(op), newHigh, used, after, newHash))
        {
            Flip(op);
            return false;
        }
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
        return true;
    }

    /// <summary>
    /// Candidates not worth trying: a filed op already used; an op on another part of the state than the
    /// first pending return's; a crashed op whose earlier twin is unused; a crashed op past its horizon.
    /// </summary>
    bool Skipped(int op, int blocking) =>
        (IsFiled(op) && Used(op))
        || (focus >= 0 && part![op] != focus)
        || (op >= definite && twin[op - definite] is var t and >= 0 && !Used(t))
        || (op >= definite && horizons is not null && horizons[op - definite] < opOf[blocking]);

    /// <summary>
    /// A crashed operation right after another whose effect it erases (a write after a write) only wastes
    /// the first: the same state comes from this one alone, with fewer used, by the path that skipped the
    /// first.
    /// </summary>
    bool ErasesPreviousCrashed(int op, int after) =>
        op >= definite
        && stack.Count > 0
        && opOf[stack[^1].Node] >= definite
        && table.Step(stack[^1].State, op) == after;

    /// <summary>Undoes the last choice and moves on to the candidate after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Backtrack()
    {
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

    /// <summary>At a dead end: if blocking is the furthest return yet, copies the stack that reached it; keeps
    /// a few of the states the object could be in there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NoteBarrier(int blocking)
    {
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
    }

    SearchOutcome CollectedEnds(List<StartConfig> collected)
    {
        foreach (var (s, sets) in endConfigs)
        foreach (var bits in sets)
            collected.Add(new StartConfig(table[s], UsedSet(bits)));
        var verdict = collected.Count > 0 ? Verdict.Valid : Verdict.Invalid;
        return new SearchOutcome(verdict, null, null, [], [], [], visited.Count);
    }

    SearchOutcome Refuted() =>
        new(
            Verdict.Invalid,
            null,
            ops[opOf[barrier]],
            barrierStack.Take(barrierDepth).Select(i => ops[i]).ToList(),
            barrierStates.Select(s => table[s]).ToList(),
            [],
            visited.Count
        );

    void Flip(int op)
    {
        if (op < definite)
            linearized[op >> 6] ^= 1UL << op;
        else
            used[(op - definite) >> 6] ^= 1UL << (op - definite);
    }

    bool Used(int op) => (used[(op - definite) >> 6] & (1UL << (op - definite))) != 0;

    bool Linearized(int op) => (linearized[op >> 6] & (1UL << op)) != 0;

    bool IsFiled(int op) => op >= definite && filed[op - definite];

    // Crashed last: Listed, CrashedApart, Filed. Else Filed (if any) first, then Listed.
    int NextPass() =>
        crashedLast ? (pass == Filed ? -1 : pass + 1)
        : pass == Filed ? Listed
        : -1;

    /// <summary>The lowest-numbered definite operation not linearized once op is (definite if none): the
    /// first pending return, skipping op's own when it is that one.</summary>
    int FirstPending(int op)
    {
        var first = returns.Next[Head];
        if (first >= 0 && opOf[first] == op)
            first = returns.Next[first];
        return first < 0 ? definite : opOf[first];
    }

    /// <summary>The crashed operations marked in bits, by invoke index.</summary>
    HashSet<long> UsedSet(ulong[] bits) =>
        Enumerable
            .Range(definite, n - definite)
            .Where(c => (bits[(c - definite) >> 6] & (1UL << (c - definite))) != 0)
            .Select(c => ops[c].Invoke.Index)
            .ToHashSet();

    /// <summary>Keeps, per state, only the smallest sets of crashed operations used (fewer used covers
    /// more).</summary>
    void RecordEnd()
    {
        if (!endConfigs.TryGetValue(state, out var sets))
            endConfigs[state] = sets = [];
        if (sets.Any(s => Subset(s, used)))
            return;
        sets.RemoveAll(s => Subset(used, s));
        sets.Add((ulong[])used.Clone());
    }

    static bool Subset(ulong[] small, ulong[] big)
    {
        for (var i = 0; i < small.Length; i++)
            if ((small[i] & ~big[i]) != 0)
                return false;
        return true;
    }

    int First(int ofPass) =>
        ofPass switch
        {
            Listed => list.Next[Head],
            CrashedApart => crashedCalls.Next[Head],
            _ => 0,
        };

    int Following(int ofPass, int at) =>
        ofPass switch
        {
            Listed => list.Next[at],
            CrashedApart => crashedCalls.Next[at],
            _ => at + 1,
        };

    /// <summary>The op at the current entry if it is a candidate (called before the first pending return),
    /// else -1: this pass is done.</summary>
    int Candidate(int blocking)
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

    /// <summary>The part of the state of the first pending return's operation, or -1 to try every
    /// candidate.</summary>
    int Focus() => part is null || returns.Next[Head] < 0 ? -1 : part[opOf[returns.Next[Head]]];
}
