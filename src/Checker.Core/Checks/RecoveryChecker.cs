using Checker.Core.History;

namespace Checker.Core.Checks;

/// <summary>What the recovery checker demands.</summary>
/// <param name="Budget">After a heal, every node must complete an ok operation within this much calm time (time with no
/// fault active, counted across windows).</param>
/// <param name="Stall">Once a node serves, it must not go this long in calm time without an ok operation while
/// operations are tried.</param>
/// <param name="NodeOf">The node a client process talks to. Null: the history's "node" fields if it has them, else the
/// cluster as one node.</param>
/// <param name="Nodes">Every node's name, so a node that never answers is still judged; null: the nodes seen in the
/// history.</param>
/// <param name="Serves">Whether a completion shows its node serving; null: ok completions only. A workload whose
/// certain answers include a fail (a dequeue that finds the queue empty) says so, or its final drain would look like a
/// stall.</param>
/// <param name="ClientsNeverIdle">The clients kept asking every node all through the history (Checker's own runs, whose
/// workers never pause for long): all calm time counts, and every node in Nodes is judged. False (a history whose
/// schedule is unknown, such as Jepsen's, which sleeps before its final reads): only calm time in which the node was
/// asked counts, and a node no client addressed is not judged.</param>
/// <param name="Elections">The leader elections the node logs show, when the database's logs were read: a
/// stall names the one during it as its likely cause, and a re-election a heal set off is judged as that
/// heal's recovery. Null: no logs read.</param>
public sealed record RecoveryOptions(
    TimeSpan Budget,
    TimeSpan Stall,
    Func<int, string>? NodeOf = null,
    IReadOnlyList<string>? Nodes = null,
    Func<Op, bool>? Serves = null,
    bool ClientsNeverIdle = false,
    IReadOnlyList<LeaderElection>? Elections = null
)
{
    /// <summary>
    /// While a node's op is outstanding it is asked; so it is across a pause of at most this long between an
    /// answer and the next try on it (a client's think time). A longer pause is time nobody asked it.
    /// </summary>
    public static readonly TimeSpan AskedAcross = TimeSpan.FromSeconds(1);

    /// <summary>The defaults of `checker check`: 10 s of calm time to come back after a heal, 5 s of calm time without
    /// service is a stall.</summary>
    public static RecoveryOptions Default => new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
}

/// <summary>
/// Does the cluster come back? After each heal, every node must serve an ok operation within the
/// budget, counted in calm time: fault windows pause the clock and later heals do not restart it, so
/// a cluster that serves nothing after a heal fails however short the calm windows are. Once a node
/// serves, it must not stall in calm time while its clients keep trying. A gap in service that the node
/// logs show as a leader election set off by a heal (begun within the budget of calm time after it) is that
/// heal's recovery still under way: it is judged by the heal's budget, not as a stall. A stall names its
/// likely cause from the elections in the logs and the errors of the ops tried. Invalid names the heal and the
/// calm time counted. A heal whose budget the history did not last out is not judged (no verdict, no
/// guess); the check as a whole is not judged when no heal and no calm span could be judged.
/// Unless the clients are known never to idle, a node's clock runs only while it is asked: a history that
/// sleeps after a heal (Jepsen's standard ending) is judged from its next try, and a node nobody asked is
/// not judged, since a check that cannot know the schedule must not read silence as refusal. Nor is time
/// after a nemesis op it cannot read (until the next one) counted as calm.
/// </summary>
public sealed class RecoveryChecker(RecoveryOptions options) : IChecker
{
    public string Name => "recovery";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        if (!history.Any(o => !o.IsNemesis))
            return new CheckResult(Name, Verdict.NotJudged, "not judged: no client operation");
        if (history.Any(o => o.Time < 0))
            return new CheckResult(
                Name,
                Verdict.NotJudged,
                "not judged: the history has no times, so recovery cannot be measured"
            );
        var origin = history.Min(o => o.Time);
        var end = history.Max(o => o.Time);
        var windows = FaultWindows.From(history);
        var clock = new CalmClock(windows, end);
        double Sec(long t) => Math.Round(t / 1e9, 3); // seconds since the test began: the history's own time base
        var budget = Nanoseconds(options.Budget);
        var stall = Nanoseconds(options.Stall);

        var (okTimes, invokeTimes, asked, byNode) = ClientTimes(history, end);
        var nodes = (
            options.Nodes ?? okTimes.Keys.Concat(invokeTimes.Keys).Distinct().Order(StringComparer.Ordinal).ToList()
        ).ToList();
        var unaddressed = options.ClientsNeverIdle ? [] : nodes.Where(n => !invokeTimes.ContainsKey(n)).ToList();
        nodes = nodes.Except(unaddressed).ToList();
        var judgedAny = false;
        var unreadable = options.ClientsNeverIdle ? [] : Unreadable(history, end);
        var heals = clock.Faults.Where(f => f.Healed).ToList();
        var problems = new List<string>();
        var stalls = new List<StallWindow>();
        var outcomes = heals.Select(_ => "recovered").ToArray();
        var seconds = heals.Select(_ => new Dictionary<string, double?>()).ToArray();
        var notJudged = new List<string>();

        foreach (var n in nodes)
        {
            var oks = okTimes.GetValueOrDefault(n) ?? [];
            // The node's own clock: calm time, and unless clients never idle, only while the node was asked.
            var nodeClock = options.ClientsNeverIdle
                ? clock
                : new CalmClock(
                    [.. windows, .. unreadable, .. Unasked(asked.GetValueOrDefault(n) ?? [], origin, end)],
                    end
                );
            judgedAny |= nodeClock.Between(origin, end) >= stall;
            var servingFrom = new List<(long From, long To)>(); // calm spans in which the node is judged for stalls
            long? owed = null; // the first heal since which the node has not served
            int owedHeal = -1;
            var cursor = origin; // the node serves from here (start of the history, or its first ok after a heal)
            for (var h = 0; h < heals.Count; h++)
            {
                var at = heals[h].To;
                var nextHeal = h + 1 < heals.Count ? heals[h + 1].To : long.MaxValue;
                seconds[h][n] =
                    FirstAtOrAfter(oks, at) is { } f && f < nextHeal ? Math.Round(Sec(f) - Sec(at), 3) : null;
                if (owed is null)
                {
                    if (cursor < heals[h].From)
                        servingFrom.Add((cursor, heals[h].From)); // watched for stalls up to this fault
                    owed = at;
                    owedHeal = h;
                }
                var deadline = nodeClock.After(owed.Value, budget); // null: the history ends first
                var ok = FirstAtOrAfter(oks, owed.Value);
                var okInTime = ok is { } t0 && (deadline is null || t0 <= deadline);
                if (okInTime && ok < nextHeal)
                {
                    owed = null;
                    cursor = ok.Value;
                }
                else if (deadline is { } d && d < Math.Min(ok ?? long.MaxValue, nextHeal))
                {
                    // The budget of calm time ran out before the node served: judged, whatever came after.
                    for (var k = owedHeal; k <= h; k++)
                        outcomes[k] = "not-recovered";
                    var counted = nodeClock
                        .CalmBetween(owed.Value, d)
                        .Select(c => $"{Sec(c.From):0.0}s..{Sec(c.To):0.0}s");
                    problems.Add(
                        $"not recovered: {n} served no ok operation within {options.Budget.TotalSeconds:0.#}s of "
                            + $"calm time{Asked} after the "
                            + $"{string.Join("+", heals[owedHeal].Kinds)} heal at {Sec(owed.Value):0.0}s (calm "
                            + $"time counted: {string.Join(", ", counted)}"
                            + $"{(ok is { } late ? $"; its next ok at {Sec(late):0.0}s" : "; no ok after it")})"
                    );
                    owed = null;
                    cursor = ok is { } back && back < nextHeal ? back : long.MaxValue; // a new heal gives a new budget
                }
                else if (deadline is null && nextHeal == long.MaxValue)
                {
                    for (var k = owedHeal; k <= h; k++)
                        outcomes[k] = "not-judged";
                    notJudged.Add(
                        $"{n}: the history ends {nodeClock.Between(owed.Value, end) / 1e9:0.0}s of calm "
                            + $"time{Asked} after the heal at {Sec(owed.Value):0.0}s, before the "
                            + $"{options.Budget.TotalSeconds:0.#}s budget"
                    );
                }
                // Otherwise the node is still owed at the next heal: its budget carries on across the next fault
                // window.
            }
            if (owed is null && cursor < end)
                servingFrom.Add((cursor, end));
            if (heals.Count == 0)
                servingFrom = [(origin, end)];
            foreach (var (from, to) in servingFrom)
            foreach (var (ca, cb) in nodeClock.CalmBetween(from, to))
            foreach (var (a, b, tries) in Gaps(oks, invokeTimes.GetValueOrDefault(n), ca, cb, stall))
            {
                if (StallCauses.HealRecovery(n, a, b, options.Elections, clock, budget, Sec) is { } recovering)
                {
                    notJudged.Add(recovering);
                    continue;
                }
                stalls.Add(new StallWindow(n, Sec(a), Sec(b), tries));
                problems.Add(
                    $"stall: {n} completed no ok operation from {Sec(a):0.0}s to {Sec(b):0.0}s while no fault was "
                        + $"active ({tries} tried)"
                        + StallCauses.Cause(n, a, b, options.Elections, history, options.NodeOf)
                );
            }
        }

        var healReports = heals
            .Select(
                (f, i) =>
                    new HealRecovery(
                        Sec(f.To),
                        string.Join("+", f.Kinds),
                        i == heals.Count - 1,
                        outcomes[i],
                        seconds[i]
                    )
            )
            .ToList();
        var outage = LongestOutage(history, okTimes, invokeTimes, origin, end);
        var report = new RecoveryReport(
            options.Budget.TotalSeconds,
            options.Stall.TotalSeconds,
            healReports,
            stalls,
            outage,
            byNode
        );
        var outageLine = outage is null
            ? ""
            : $"\nlongest stretch with no ok operation anywhere: {outage.Seconds:0.0}s "
                + $"({outage.From:0.0}s..{outage.To:0.0}s"
                + (outage.Faults.Count > 0 ? $", during {string.Join(", ", outage.Faults)})" : ", no fault active)");
        var tally = Tally(healReports, nodes.Count, byNode);
        if (unaddressed.Count > 0)
            notJudged.Add($"{string.Join(", ", unaddressed)}: no client addressed it, so it is not judged");
        var notes = notJudged.Count > 0 ? "\n" + string.Join("\n", notJudged.Distinct()) : "";
        if (problems.Count > 0)
            return new CheckResult(
                Name,
                Verdict.Invalid,
                string.Join("\n", problems) + "\n" + tally + notes + outageLine,
                report
            );
        judgedAny |= healReports.Any(h => h.Outcome != "not-judged");
        return judgedAny
            ? new CheckResult(Name, Verdict.Valid, tally + "; no stall while calm" + notes + outageLine, report)
            : new CheckResult(Name, Verdict.NotJudged, "not judged: " + tally + notes + outageLine, report);
    }

    /// <summary>How the summary qualifies calm time: only the time the node was asked, unless clients never
    /// idle.</summary>
    string Asked => options.ClientsNeverIdle ? "" : " in which it was asked";

    /// <summary>A limit in nanoseconds of history time; TimeSpan.MaxValue (no limit), or near, is
    /// long.MaxValue.</summary>
    static long Nanoseconds(TimeSpan t) => t.Ticks >= long.MaxValue / 100 ? long.MaxValue : t.Ticks * 100;

    /// <summary>
    /// Nemesis ops the check cannot read as a fault's start or end (a clock bump, a fault of the test's own):
    /// from each to the next nemesis op, calm cannot be told from fault, so none of that time is counted.
    /// </summary>
    static List<FaultWindow> Unreadable(IReadOnlyList<Op> history, long end)
    {
        var completions = history.Where(o => o.IsNemesis && o.Type != OpType.Invoke).ToList();
        var spans = new List<FaultWindow>();
        for (var i = 0; i < completions.Count; i++)
            if (FaultWindows.Classify(completions[i].F).Kind is null)
            {
                var until = i + 1 < completions.Count ? completions[i + 1].Time : end;
                spans.Add(new FaultWindow("unreadable", completions[i].Time, until, ""));
            }
        return spans;
    }

    /// <summary>
    /// The spans in [origin, end] in which nobody asked the node: outside every one of its ops (invoke to
    /// completion, or to the end for one never completed) and not within AskedAcross of the next.
    /// </summary>
    static IEnumerable<FaultWindow> Unasked(List<(long From, long To)> ops, long origin, long end)
    {
        var bridge = RecoveryOptions.AskedAcross.Ticks * 100;
        var cursor = origin; // asked up to here (or the start)
        foreach (var (from, to) in ops.OrderBy(o => o.From))
        {
            if (from - cursor > bridge)
                yield return new FaultWindow("unasked", cursor, from, "");
            cursor = Math.Max(cursor, to);
        }
        if (end - cursor > bridge)
            yield return new FaultWindow("unasked", cursor, end, "");
    }

    /// <summary>Every heal counted by outcome, so a summary never claims more than was judged.</summary>
    /// <summary>The longest any node took to recover after a heal, in seconds.</summary>
    static double Slowest(IEnumerable<HealRecovery> recovered) =>
        recovered.SelectMany(h => h.SecondsByNode.Values).Where(v => v is not null).DefaultIfEmpty(0).Max() ?? 0;

    static string Tally(IReadOnlyList<HealRecovery> heals, int nodes, string byNode)
    {
        var who = byNode == "cluster" ? "the cluster as one node" : $"{nodes} nodes, each on its own";
        if (heals.Count == 0)
            return $"no heals ({who})";
        var recovered = heals.Where(h => h.Outcome == "recovered").ToList();
        var parts = new List<string>
        {
            $"recovered after {recovered.Count} of {heals.Count} heals ({who}"
                + (recovered.Count > 0 ? $", slowest {Slowest(recovered):0.0}s)" : ")"),
        };
        var failed = heals.Count(h => h.Outcome == "not-recovered");
        var open = heals.Count(h => h.Outcome == "not-judged");
        if (failed > 0)
            parts.Add($"{failed} not recovered");
        if (open > 0)
            parts.Add($"{open} not judged");
        return string.Join(", ", parts);
    }

    /// <summary>The longest gap between ok operations, cluster-wide, in which operations were tried.</summary>
    static Outage? LongestOutage(
        IReadOnlyList<Op> history,
        Dictionary<string, List<long>> ok,
        Dictionary<string, List<long>> invoked,
        long origin,
        long end
    )
    {
        var oks = ok.Values.SelectMany(t => t).Order().ToList();
        var tries = invoked.Values.SelectMany(t => t).Order().ToList();
        var best = (From: 0L, To: 0L);
        foreach (var (a, b, _) in Gaps(oks, tries, origin, end, 1))
            if (b - a > best.To - best.From)
                best = (a, b);
        if (best.To == best.From)
            return null;
        double Sec(long t) => Math.Round(t / 1e9, 3);
        var faults = FaultWindows
            .From(history)
            .Where(w => w.Start < best.To && w.End > best.From)
            .Select(w => w.Kind)
            .Distinct()
            .ToList();
        return new Outage(Sec(best.From), Sec(best.To), faults);
    }

    /// <summary>
    /// Ok completion and invoke times of client ops, by node: the node the options map the process to,
    /// else the node the op's invoke names in the history, else the one cluster. Asked: each op's span on
    /// its node, invoke to completion (any completion), or to the history's end for one never completed.
    /// </summary>
    (
        Dictionary<string, List<long>> Ok,
        Dictionary<string, List<long>> Invoked,
        Dictionary<string, List<(long, long)>> Asked,
        string ByNode
    ) ClientTimes(IReadOnlyList<Op> history, long end)
    {
        var ok = new Dictionary<string, List<long>>();
        var invoked = new Dictionary<string, List<long>>();
        var asked = new Dictionary<string, List<(long, long)>>();
        var fromHistory = options.NodeOf is null && history.Any(o => o.Node is not null);
        var current = new Dictionary<int, string>(); // process -> node of its latest invoke
        var pending = new Dictionary<int, (string Node, long At)>(); // process -> its outstanding invoke
        void Asked(string node, long from, long to)
        {
            if (!asked.TryGetValue(node, out var spans))
                asked[node] = spans = [];
            spans.Add((from, to));
        }
        foreach (var op in history)
        {
            if (op.IsNemesis)
                continue;
            if (fromHistory && op.Type == OpType.Invoke)
                current[op.Process] = op.Node ?? "unnamed";
            var node = options.NodeOf?.Invoke(op.Process)
                ?? (fromHistory ? current.GetValueOrDefault(op.Process, op.Node ?? "unnamed") : "cluster");
            if (op.Type == OpType.Invoke)
                pending[op.Process] = (node, op.Time);
            else if (pending.Remove(op.Process, out var began))
                Asked(began.Node, began.At, op.Time);
            if (op.Type != OpType.Invoke && !(options.Serves?.Invoke(op) ?? op.Type == OpType.Ok))
                continue;
            var map = op.Type == OpType.Invoke ? invoked : ok;
            if (!map.TryGetValue(node, out var list))
                map[node] = list = [];
            list.Add(op.Time);
        }
        foreach (var (node, at) in pending.Values)
            Asked(node, at, end);
        foreach (var l in ok.Values.Concat(invoked.Values))
            l.Sort();
        return (
            ok,
            invoked,
            asked,
            options.NodeOf is not null ? "check options"
            : fromHistory ? "history"
            : "cluster"
        );
    }

    static long? FirstAtOrAfter(List<long> times, long from)
    {
        var i = times.BinarySearch(from);
        if (i < 0)
            i = ~i;
        while (i > 0 && times[i - 1] == from)
            i--;
        return i < times.Count ? times[i] : null;
    }

    /// <summary>Gaps of at least `min` between ok ops within [from, to] during which ops were tried.</summary>
    static IEnumerable<(long From, long To, int Tries)> Gaps(
        List<long>? ok,
        List<long>? invoked,
        long from,
        long to,
        long min
    )
    {
        if (to - from < min)
            yield break;
        var points = new List<long> { from };
        if (ok is not null)
            points.AddRange(ok.Where(t => t > from && t < to));
        points.Add(to);
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i] - points[i - 1] < min)
                continue;
            var tries = invoked?.Count(t => t >= points[i - 1] && t < points[i]) ?? 0;
            if (tries > 0)
                yield return (points[i - 1], points[i], tries);
        }
    }
}
