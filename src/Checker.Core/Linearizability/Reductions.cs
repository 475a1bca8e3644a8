using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>What lets the search skip orders that cannot lead anywhere new.</summary>
internal static class Reductions
{
    /// <summary>For each crashed op, the latest earlier-called crashed op just like it, or -1.</summary>
    public static int[] EarlierTwins(List<Operation> ops, int definite)
    {
        var twin = new int[ops.Count - definite];
        var last = new Dictionary<(string, object?, object?), int>(new TwinComparer());
        foreach (var o in ops.Skip(definite).OrderBy(o => o.Call).ThenBy(o => o.Id))
        {
            var kind = (o.F, o.Key, o.Input);
            twin[o.Id - definite] = last.TryGetValue(kind, out var earlier) ? earlier : -1;
            last[kind] = o.Id;
        }
        return twin;
    }

    sealed class TwinComparer : IEqualityComparer<(string F, object? Key, object? Input)>
    {
        public bool Equals((string F, object? Key, object? Input) a, (string F, object? Key, object? Input) b) =>
            a.F == b.F && Values.Same(a.Key, b.Key) && Values.Same(a.Input, b.Input);

        public int GetHashCode((string F, object? Key, object? Input) k) =>
            HashCode.Combine(k.F, Values.Hash(k.Key), Values.Hash(k.Input));
    }

    /// <summary>
    /// For a register (see <see cref="Model.Flow"/>): for each crashed op, its horizon, the highest
    /// number of a definite op that might still need the value it leaves (definite ops numbered 0.. in
    /// the order given, which is their return order); -1 if none ever could. Null for other models.
    ///
    /// A value v is needed by the definite ops that read it (Reads v), and, through a crashed op that
    /// reads v and writes w (a crashed cas [v w]), by whatever needs w: horizon(v) is the highest number
    /// among the definite readers of v and of every value reachable from v along crashed ops that way.
    ///
    /// Why the search may leave a crashed op c (leaving v) untried in a configuration in which every
    /// definite op numbered up to horizon(v) has taken effect (which holds once the first definite op
    /// still pending is numbered above it): take any legal continuation L from that configuration that
    /// applies c first. After c the state is v. Follow L from c to the first op that writes without
    /// reading (a write), or to L's end. Each op on the way is legal in the state it meets, so it is one
    /// of: an op that reads nothing (legal in every state, it leaves the state unchanged); a definite op
    /// reading the current value, impossible, since that value's definite readers come no later than its
    /// horizon, which is at most horizon(v), and have all taken effect before c; or a crashed op reading
    /// the current value x and writing y, whose horizon(y) is at most horizon(x) by definition. So the
    /// ops on the way that change the state are c and crashed ops only, and every op on the way that
    /// stays in L reads nothing. Drop c and those crashed ops from L (a crashed op may always be left
    /// out): the rest meets the state c found up to the write, where every op on the way is legal, and
    /// the write leaves the same state as before. The shorter L is legal, does not apply c there, and
    /// removes at least one op, so by induction on L's length the search finds a continuation without
    /// the ops it leaves untried. A crashed op with horizon -1 can be left out of the search entirely.
    ///
    /// Where the search ends at a cut (<see cref="Search.Ends"/>), the operations after it (later) may still
    /// read a value: every value any of them reads counts as read by a definite op numbered past all of
    /// these, so the ops leaving it are never left untried. The argument above then holds for the history
    /// before and after the cut together (the ops after it are numbered after those before, since they are
    /// called after the cut and those before returned by then), and a continuation from an end the search
    /// skipped has one without the skipped ops, which leads to an end it keeps.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    public static int[]? Horizons(
        IReadOnlyList<Operation> definite,
        IReadOnlyList<Operation> crashed,
        Model model,
        IReadOnlyList<Operation>? later = null
    )
    {
        var readers = new List<int>(); // per value (by id): its highest-numbered definite reader, or -1
        var ids = new Dictionary<object, int>(Values.Comparer!);
        var nilId = -1;
        int Id(object? value)
        {
            if (value is null)
                return nilId >= 0 ? nilId : nilId = New();
            if (!ids.TryGetValue(value, out var id))
                ids[value] = id = New();
            return id;
        }
        int New()
        {
            readers.Add(-1);
            return readers.Count - 1;
        }

        for (var i = 0; i < definite.Count; i++)
        {
            if (model.Flow(definite[i]) is not { } flow)
                return null;
            if (flow.Reads && Id(flow.Read) is var id)
                readers[id] = Math.Max(readers[id], i);
        }
        foreach (var o in later ?? [])
        {
            if (model.Flow(o) is not { } flow)
                return null;
            if (flow.Reads && Id(flow.Read) is var id)
                readers[id] = definite.Count;
        }
        // Per crashed op, the value it leaves (-1 if it changes nothing); per value w, the values v
        // some crashed op reads to leave w.
        var leaves = new int[crashed.Count];
        var feeding = new Dictionary<int, List<int>>();
        for (var c = 0; c < crashed.Count; c++)
        {
            if (model.Flow(crashed[c]) is not { } flow)
                return null;
            leaves[c] = flow.Writes ? Id(flow.Written) : -1;
            if (!flow.Reads || !flow.Writes)
                continue;
            if (!feeding.TryGetValue(leaves[c], out var from))
                feeding[leaves[c]] = from = [];
            from.Add(Id(flow.Read));
        }

        // horizon(v) is the highest reader among the values reachable from v: take the values from the
        // most needed down, and give each value that reaches one and has no horizon yet that one's reader.
        var horizon = new int[readers.Count];
        Array.Fill(horizon, -1);
        var reaching = new Stack<int>();
        var byReader = Enumerable
            .Range(0, readers.Count)
            .Where(v => readers[v] >= 0)
            .OrderByDescending(v => readers[v]);
        foreach (var needed in byReader)
        {
            if (horizon[needed] >= 0)
                continue;
            horizon[needed] = readers[needed];
            reaching.Push(needed);
            while (reaching.TryPop(out var w))
                foreach (var v in feeding.GetValueOrDefault(w) ?? [])
                    if (horizon[v] < 0)
                    {
                        horizon[v] = readers[needed];
                        reaching.Push(v);
                    }
        }
        return leaves.Select(v => v < 0 ? -1 : horizon[v]).ToArray();
    }

    /// <summary>Each op's part of the state as a small number, or null if some op may touch any part.</summary>
    public static int[]? PartsOf(List<Operation> ops, Model model)
    {
        var ids = new Dictionary<object, int>(Values.Comparer!);
        var part = new int[ops.Count];
        foreach (var o in ops)
        {
            if (model.IndependenceKey(o) is not { } key)
                return null;
            if (!ids.TryGetValue(key, out var id))
                ids[key] = id = ids.Count;
            part[o.Id] = id;
        }
        return ids.Count > 1 ? part : null;
    }
}
