using Checker.Core.History;

namespace Checker.Core.Checks;

/// <summary>What the availability check demands.</summary>
/// <param name="Grace">Time a fault may take from its start before writes are judged (a failover's election).</param>
/// <param name="Stall">A write tried and no write acknowledged within this long, in a judged span, fails the
/// check.</param>
/// <param name="Nodes">Every node's name: a fault leaves a majority of these connected, or its window is not
/// judged.</param>
/// <param name="IsWrite">Whether an op changes the database (its ok completion is an acknowledged write).</param>
public sealed record AvailabilityOptions(
    TimeSpan Grace,
    TimeSpan Stall,
    IReadOnlyList<string> Nodes,
    Func<Op, bool> IsWrite
);

/// <summary>One fault window the check judged.</summary>
/// <param name="Fault">The fault's kind and what it did, as the history says.</param>
/// <param name="Connected">The largest groups of nodes the fault left running and connected to each other, each a
/// majority.</param>
/// <param name="From">Start of the judged span (the fault's start plus the grace), seconds.</param>
/// <param name="To">End of the judged span (the heal, or the history's end), seconds.</param>
/// <param name="LongestGap">The longest time in the span with writes tried and none acknowledged, seconds.</param>
public sealed record AvailabilityWindow(
    string Fault,
    IReadOnlyList<IReadOnlyList<string>> Connected,
    double From,
    double To,
    double LongestGap
);

/// <summary>A write stall in a judged window: when, and the writes that were tried meanwhile.</summary>
public sealed record WriteStall(
    string Fault,
    IReadOnlyList<IReadOnlyList<string>> Connected,
    double From,
    double To,
    IReadOnlyList<string> Stalled
);

/// <summary>What the availability check judged and found.</summary>
public sealed record AvailabilityReport(
    double GraceSeconds,
    double StallSeconds,
    IReadOnlyList<AvailabilityWindow> Judged,
    IReadOnlyList<WriteStall> Stalls,
    IReadOnlyList<string> NotJudged
);

/// <summary>
/// Does the cluster keep acknowledging writes while a fault leaves a majority of its nodes running and
/// connected to each other? That is what a majority-quorum system promises, and what a cluster that
/// looks healthy while one stuck stream holds a lock (ZOOKEEPER-2201) breaks. Each fault window whose
/// fault the history describes (a partition's grudge, the nodes killed, paused or crashed, a stalled
/// link) is judged when a majority stays connected: from the fault's start plus the grace (time for a
/// failover) to its heal, a write tried with no write acknowledged anywhere within the stall limit fails
/// the check, naming the window, the connected nodes and the writes that stalled. Faults on every link
/// (slow, loss, bandwidth) and faults the history does not describe are not judged; reads are not
/// judged at all (a cluster may serve them while writes stall). Jepsen reports availability as a
/// statistic; this check fails a run on it, and only where the majority's promise is clear.
/// </summary>
public sealed class AvailabilityChecker(AvailabilityOptions options) : IChecker
{
    public string Name => "availability";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        if (history.Any(o => o.Time < 0))
            return new CheckResult(Name, Verdict.NotJudged, "not judged: the history has no times");
        var end = history.Count == 0 ? 0 : history.Max(o => o.Time);
        var grace = (long)options.Grace.TotalNanoseconds;
        var stall = (long)options.Stall.TotalNanoseconds;
        var (okWrites, writes) = Writes(history);
        var judged = new List<AvailabilityWindow>();
        var stalls = new List<WriteStall>();
        var notJudged = new List<string>();

        foreach (var w in FaultWindows.From(history))
        {
            var fault = $"{w.Kind} {w.Description} at {Sec(w.Start):0.0}s";
            var to = w.Healed ? w.End : end;
            var from = w.Start + grace;
            if (Connected(w, options.Nodes) is not { } connected)
            {
                notJudged.Add($"{fault}: it leaves no majority of nodes known to be connected");
                continue;
            }
            if (to - from < stall)
            {
                notJudged.Add(
                    $"{fault}: it lasted {Sec(to - w.Start):0.0}s, less than the "
                        + $"{options.Grace.TotalSeconds:0.#}s grace and the "
                        + $"{options.Stall.TotalSeconds:0.#}s stall limit"
                );
                continue;
            }
            if (!writes.Any(o => o.Invoke.Time >= from && o.Invoke.Time <= to))
            {
                notJudged.Add($"{fault}: no write was tried after the grace");
                continue;
            }
            var gaps = Gaps(okWrites, writes, from, to, stall).ToList();
            var longest = gaps.Count == 0 ? 0 : gaps.Max(g => g.To - g.From);
            judged.Add(new AvailabilityWindow(fault, connected, Sec(from), Sec(to), Sec(longest)));
            foreach (var (a, b) in gaps)
            {
                // Writes sent to a node every connected group holds come first: their stall is the majority's own.
                var core = connected
                    .Skip(1)
                    .Aggregate(connected[0].AsEnumerable(), (x, g) => x.Intersect(g))
                    .ToHashSet();
                var tried = writes
                    .Where(o => o.Invoke.Time >= a && o.Invoke.Time < b)
                    .OrderBy(o => o.Invoke.Node is { } n && core.Contains(n) ? 0 : 1)
                    .ThenBy(o => o.Invoke.Time)
                    .ToList();
                stalls.Add(
                    new WriteStall(
                        fault,
                        connected,
                        Sec(a),
                        Sec(b),
                        tried
                            .Take(5)
                            .Select(o => Describe(o.Invoke, o.Completion))
                            .Append(tried.Count > 5 ? $"and {tried.Count - 5} more" : null)
                            .OfType<string>()
                            .ToList()
                    )
                );
            }
        }

        var report = new AvailabilityReport(
            options.Grace.TotalSeconds,
            options.Stall.TotalSeconds,
            judged,
            stalls,
            notJudged
        );
        if (stalls.Count > 0)
        {
            var lines = stalls.Select(s =>
                $"write stall: no write was acknowledged from {s.From:0.0}s to {s.To:0.0}s ({s.To - s.From:0.0}s) "
                + $"while {s.Fault} left "
                + $"{string.Join(" or ", s.Connected.Select(c => string.Join(", ", c)))} running and connected, a "
                + $"majority; "
                + $"writes tried meanwhile: {string.Join("; ", s.Stalled)}"
            );
            return new CheckResult(Name, Verdict.Invalid, string.Join("\n", lines), report);
        }
        if (judged.Count == 0)
            return new CheckResult(
                Name,
                Verdict.NotJudged,
                "not judged: no fault window left a connected majority for longer than "
                    + $"the {options.Grace.TotalSeconds:0.#}s grace and the {options.Stall.TotalSeconds:0.#}s "
                    + $"stall limit",
                report
            );
        return new CheckResult(
            Name,
            Verdict.Valid,
            $"writes kept being acknowledged in {judged.Count} fault window(s) that left a majority connected "
                + $"(longest gap {judged.Max(j => j.LongestGap):0.0}s, after a {options.Grace.TotalSeconds:0.#}s "
                + $"grace for failover)",
            report
        );
    }

    static double Sec(long t) => Math.Round(t / 1e9, 3);

    /// <summary>Completion times of acknowledged writes (sorted), and every write with its completion, if
    /// any.</summary>
    (List<long> Ok, List<(Op Invoke, Op? Completion)> Writes) Writes(IReadOnlyList<Op> history)
    {
        var ok = new List<long>();
        var writes = new List<(Op, Op?)>();
        var pending = new Dictionary<int, int>(); // process -> index in writes of its open write
        foreach (var op in history)
        {
            if (op.IsNemesis)
                continue;
            if (op.Type == OpType.Invoke)
            {
                pending.Remove(op.Process);
                if (!options.IsWrite(op))
                    continue;
                pending[op.Process] = writes.Count;
                writes.Add((op, null));
            }
            else if (pending.Remove(op.Process, out var i))
            {
                writes[i] = (writes[i].Item1, op);
                if (op.Type == OpType.Ok)
                    ok.Add(op.Time);
            }
        }
        ok.Sort();
        return (ok, writes);
    }

    /// <summary>
    /// Spans within [from, to] that begin at a write's invoke (or the last acknowledged write before it) and
    /// run at least `stall` with no write acknowledged; each ends at the next acknowledgement or at `to`.
    /// </summary>
    static IEnumerable<(long From, long To)> Gaps(
        List<long> ok,
        List<(Op Invoke, Op? Completion)> writes,
        long from,
        long to,
        long stall
    )
    {
        var cursor = from;
        foreach (var (invoke, _) in writes)
        {
            var t = invoke.Time;
            if (t < cursor || t > to - stall)
                continue;
            var next = FirstAfter(ok, t);
            if (next is { } n && n - t <= stall)
                continue;
            var start = Math.Max(LastAtOrBefore(ok, t) ?? from, from);
            var stop = next is { } m && m < to ? m : to;
            yield return (start, stop);
            cursor = stop;
        }
    }

    static long? FirstAfter(List<long> sorted, long t)
    {
        var i = sorted.BinarySearch(t + 1);
        if (i < 0)
            i = ~i;
        while (i > 0 && sorted[i - 1] > t)
            i--;
        return i < sorted.Count ? sorted[i] : null;
    }

    static long? LastAtOrBefore(List<long> sorted, long t)
    {
        var i = sorted.BinarySearch(t + 1);
        if (i < 0)
            i = ~i;
        while (i > 0 && sorted[i - 1] > t)
            i--;
        return i > 0 ? sorted[i - 1] : null;
    }

    static string Describe(Op invoke, Op? completion)
    {
        var what =
            $"op {invoke.Index} {invoke.F} "
            + $"{Values.Format(invoke.Value)}{(invoke.Key is null ? "" : $" on key {Values.Format(invoke.Key)}")}"
            + $"{(invoke.Node is null ? "" : $" via {invoke.Node}")} at {Sec(invoke.Time):0.0}s";
        if (completion is null)
            return what + ", no answer";
        var outcome = completion.Type.ToString().ToLowerInvariant();
        return what
            + $", {outcome} at {Sec(completion.Time):0.0}s{(completion.Error is null ? "" : $" ({completion.Error})")}";
    }

    /// <summary>
    /// The largest groups of nodes the fault left running and connected both ways, when they are a majority
    /// of the nodes; null when they are not, or when the history does not describe the fault well enough to say.
    /// </summary>
    internal static IReadOnlyList<IReadOnlyList<string>>? Connected(FaultWindow w, IReadOnlyList<string> nodes)
    {
        var down = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, HashSet<string>>? grudge = null;
        switch (w.Kind)
        {
            case "kill" or "pause" when NodeList(w.Value) is { } victims:
                down.UnionWith(victims);
                break;
            case "partition" when Grudge(w.Value) is { } g:
                grudge = g;
                break;
            case "crash"
            or "stall" when w.Value is IDictionary<object, object?> d && Grudge(Field(d, "partition")) is { } g:
                grudge = g;
                if (Field(d, "crashed") is string crashed)
                    down.Add(crashed);
                break;
            default:
                return null;
        }
        if (
            down.Any(n => !nodes.Contains(n))
            || grudge?.Keys.Concat(grudge.Values.SelectMany(v => v)).Any(n => !nodes.Contains(n)) == true
        )
            return null; // names the check does not know: it cannot say who is connected
        var alive = nodes.Where(n => !down.Contains(n)).ToList();
        bool Linked(string a, string b) =>
            grudge is null
            || (!grudge.GetValueOrDefault(a, []).Contains(b) && !grudge.GetValueOrDefault(b, []).Contains(a));
        var best = new List<IReadOnlyList<string>>();
        for (var mask = 1; mask < 1 << alive.Count && alive.Count <= 16; mask++)
        {
            var members = alive.Where((_, i) => (mask & (1 << i)) != 0).ToList();
            if (best.Count > 0 && members.Count < best[0].Count)
                continue;
            if (!members.All(a => members.All(b => a == b || Linked(a, b))))
                continue;
            if (best.Count > 0 && members.Count > best[0].Count)
                best.Clear();
            best.Add(members);
        }
        return best.Count > 0 && best[0].Count > nodes.Count / 2 ? best : null;
    }

    static object? Field(IDictionary<object, object?> d, string name) =>
        d.FirstOrDefault(kv => (kv.Key is string s ? s : kv.Key?.ToString()?.TrimStart(':')) == name).Value;

    static List<string>? NodeList(object? value) =>
        value is IEnumerable<object?> list && list.All(x => x is string) ? list.Cast<string>().ToList() : null;

    /// <summary>A grudge as the nemesis writes it: each node mapped to the nodes whose traffic it refuses.</summary>
    static Dictionary<string, HashSet<string>>? Grudge(object? value)
    {
        if (value is not IDictionary<object, object?> d)
            return null;
        var g = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in d)
        {
            if (k is not string to || NodeList(v) is not { } from)
                return null;
            g[to] = new HashSet<string>(from, StringComparer.Ordinal);
        }
        return g;
    }
}
