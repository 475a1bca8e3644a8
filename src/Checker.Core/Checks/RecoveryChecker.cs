using Checker.Core.History;

namespace Checker.Core.Checks;

/// <summary>What the recovery checker demands.</summary>
/// <param name="Budget">After a heal, every node must complete an ok operation within this.</param>
/// <param name="Stall">While no fault is active (and the cluster has recovered), a node without any ok operation for this long, though operations were tried, has stalled.</param>
/// <param name="NodeOf">The node a client process talks to; null treats the cluster as one node.</param>
/// <param name="Nodes">Every node's name, so a node that never answers is still judged; null: the nodes seen in the history.</param>
public sealed record RecoveryOptions(TimeSpan Budget, TimeSpan Stall, Func<int, string>? NodeOf = null, IReadOnlyList<string>? Nodes = null);

/// <summary>How the cluster came back after one heal. Times are seconds since the history began.</summary>
/// <param name="Outcome">recovered, not-recovered, interrupted (a new fault came first) or history-ended (too short to tell).</param>
/// <param name="SecondsByNode">Time from the heal to each node's first ok operation; null when it had none.</param>
public sealed record HealRecovery(double At, string Healed, bool Final, string Outcome, IReadOnlyDictionary<string, double?> SecondsByNode);

/// <summary>A span with no ok operation on a node while no fault was active.</summary>
public sealed record StallWindow(string Node, double From, double To, int Attempts);

/// <summary>The longest time in which no client operation anywhere succeeded, though some were tried; and the faults active then.</summary>
public sealed record Outage(double From, double To, IReadOnlyList<string> Faults)
{
    public double Seconds => Math.Round(To - From, 3);
}

/// <summary>The recovery checker's findings.</summary>
/// <param name="LongestOutage">Reported for people to judge, not judged: some faults stop a cluster by design.</param>
public sealed record RecoveryReport(double BudgetSeconds, double StallSeconds, IReadOnlyList<HealRecovery> Heals, IReadOnlyList<StallWindow> Stalls, Outage? LongestOutage = null);

/// <summary>
/// Does the cluster come back? After each heal (the end of every fault window, and the final heal), how
/// long until ops succeed again on every node; and while no fault is active, does progress ever stall?
/// Invalid when a node is not serving within the budget after a heal, or stalls in calm; the report
/// names the window. Such a cluster may look healthy from outside while making no progress.
/// </summary>
public sealed class RecoveryChecker(RecoveryOptions options) : IChecker
{
    public string Name => "recovery";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        if (history.Count == 0) return new CheckResult(Name, Verdict.Unknown, "empty history");
        if (history.Any(o => o.Time < 0)) return new CheckResult(Name, Verdict.Unknown, "the history has no times; recovery cannot be measured");
        var origin = history.Min(o => o.Time);
        var end = history.Max(o => o.Time);
        double Sec(long t) => (t - origin) / 1e9;
        var budget = (long)options.Budget.TotalNanoseconds;
        var stall = (long)options.Stall.TotalNanoseconds;

        var (okTimes, invokeTimes) = ClientTimes(history);
        var nodes = (options.Nodes ?? okTimes.Keys.Concat(invokeTimes.Keys).Distinct().Order(StringComparer.Ordinal).ToList()).ToList();
        var heals = new List<HealRecovery>();
        var stalls = new List<StallWindow>();
        var problems = new List<string>();
        var unknown = new List<string>();

        foreach (var (from, to, healed, isHeal) in CalmSpans(history, origin, end))
        {
            var final = to == end;
            var servingFrom = from; // when the stall watch begins: after every node has recovered
            if (isHeal)
            {
                var byNode = new Dictionary<string, double?>();
                var late = new List<string>();
                foreach (var n in nodes)
                {
                    var first = FirstAtOrAfter(okTimes.GetValueOrDefault(n), from, to);
                    byNode[n] = first is { } f ? Math.Round((f - from) / 1e9, 3) : null;
                    if (first is not { } t || t - from > budget) late.Add(n);
                    else servingFrom = Math.Max(servingFrom, t);
                }
                string outcome;
                if (late.Count == 0) outcome = "recovered";
                else if (from + budget > to && !final) outcome = "interrupted";
                else if (from + budget > to) outcome = "history-ended";
                else outcome = "not-recovered";
                heals.Add(new HealRecovery(Math.Round(Sec(from), 3), healed, final, outcome, byNode));
                if (outcome == "not-recovered")
                {
                    problems.Add($"not recovered: {string.Join(", ", late)} served no ok operation within {options.Budget.TotalSeconds:0.#}s " +
                                 $"after the {healed} heal at {Sec(from):0.0}s (window {Sec(from):0.0}s..{Sec(from + budget):0.0}s" +
                                 $"{(to < long.MaxValue ? $", calm until {Sec(to):0.0}s" : "")})");
                    continue; // the span is lost already; its stalls would repeat the same story
                }
                if (outcome == "history-ended" && final) unknown.Add($"the history ends {Sec(to) - Sec(from):0.0}s after the final heal, before the {options.Budget.TotalSeconds:0.#}s budget");
            }
            foreach (var n in nodes)
                foreach (var (a, b, tries) in Gaps(okTimes.GetValueOrDefault(n), invokeTimes.GetValueOrDefault(n), servingFrom, to, stall))
                {
                    stalls.Add(new StallWindow(n, Math.Round(Sec(a), 3), Math.Round(Sec(b), 3), tries));
                    problems.Add($"stall: {n} completed no ok operation from {Sec(a):0.0}s to {Sec(b):0.0}s while no fault was active ({tries} tried)");
                }
        }

        var outage = LongestOutage(history, okTimes, invokeTimes, origin, end);
        var report = new RecoveryReport(options.Budget.TotalSeconds, options.Stall.TotalSeconds, heals, stalls, outage);
        var outageLine = outage is null ? "" : $"\nlongest stretch with no ok operation anywhere: {outage.Seconds:0.0}s ({outage.From:0.0}s..{outage.To:0.0}s{(outage.Faults.Count > 0 ? $", during {string.Join(", ", outage.Faults)}" : ", no fault active")})";
        if (problems.Count > 0) return new CheckResult(Name, Verdict.Invalid, string.Join("\n", problems) + outageLine, report);
        if (unknown.Count > 0) return new CheckResult(Name, Verdict.Unknown, string.Join("\n", unknown) + outageLine, report);
        var slowest = heals.SelectMany(h => h.SecondsByNode.Values).Where(v => v is not null).DefaultIfEmpty(0).Max();
        return new CheckResult(Name, Verdict.Valid,
            (heals.Count == 0 ? "no heals; no stall while calm" : $"recovered after all {heals.Count} heals (slowest node {slowest:0.0}s); no stall while calm") + outageLine, report);
    }

    /// <summary>The longest gap between ok operations, cluster-wide, in which operations were tried.</summary>
    static Outage? LongestOutage(IReadOnlyList<Op> history, Dictionary<string, List<long>> ok, Dictionary<string, List<long>> invoked, long origin, long end)
    {
        var oks = ok.Values.SelectMany(t => t).Order().ToList();
        var tries = invoked.Values.SelectMany(t => t).Order().ToList();
        var best = (From: 0L, To: 0L);
        foreach (var (a, b, _) in Gaps(oks, tries, origin, end, 1))
            if (b - a > best.To - best.From) best = (a, b);
        if (best.To == best.From) return null;
        double Sec(long t) => Math.Round((t - origin) / 1e9, 3);
        var faults = FaultWindows.From(history).Where(w => w.Start < best.To && w.End > best.From).Select(w => w.Kind).Distinct().ToList();
        return new Outage(Sec(best.From), Sec(best.To), faults);
    }

    /// <summary>Ok completion and invoke times of client ops, by node.</summary>
    (Dictionary<string, List<long>> Ok, Dictionary<string, List<long>> Invoked) ClientTimes(IReadOnlyList<Op> history)
    {
        var ok = new Dictionary<string, List<long>>();
        var invoked = new Dictionary<string, List<long>>();
        foreach (var op in history)
        {
            if (op.IsNemesis || op.Type is not (OpType.Ok or OpType.Invoke)) continue;
            var node = options.NodeOf?.Invoke(op.Process) ?? "cluster";
            var map = op.Type == OpType.Ok ? ok : invoked;
            if (!map.TryGetValue(node, out var list)) map[node] = list = [];
            list.Add(op.Time);
        }
        foreach (var l in ok.Values.Concat(invoked.Values)) l.Sort();
        return (ok, invoked);
    }

    /// <summary>The spans with no fault active: (from, to, what healed, whether `from` is a heal).</summary>
    static IEnumerable<(long From, long To, string Healed, bool IsHeal)> CalmSpans(IReadOnlyList<Op> history, long origin, long end)
    {
        var windows = FaultWindows.From(history);
        var cursor = origin;
        var healed = "";
        var isHeal = false;
        var active = 0L; // end of the union of windows seen so far
        foreach (var w in windows)
        {
            if (w.Start > cursor) yield return (cursor, w.Start, healed, isHeal);
            active = Math.Max(active, w.End);
            cursor = Math.Max(cursor, active);
            healed = w.Kind;
            isHeal = true;
        }
        if (cursor < end || (isHeal && cursor == end)) yield return (cursor, end, healed, isHeal);
        // A final heal after the last window closed ("heal" with nothing open) needs no span of its own: its calm is the last span.
    }

    static long? FirstAtOrAfter(List<long>? times, long from, long to)
    {
        if (times is null) return null;
        var i = times.BinarySearch(from);
        if (i < 0) i = ~i;
        return i < times.Count && times[i] <= to ? times[i] : null;
    }

    /// <summary>Gaps of at least `min` between ok ops within [from, to] during which ops were tried.</summary>
    static IEnumerable<(long From, long To, int Tries)> Gaps(List<long>? ok, List<long>? invoked, long from, long to, long min)
    {
        if (to - from < min) yield break;
        var points = new List<long> { from };
        if (ok is not null) points.AddRange(ok.Where(t => t > from && t < to));
        points.Add(to);
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i] - points[i - 1] < min) continue;
            var tries = invoked?.Count(t => t >= points[i - 1] && t < points[i]) ?? 0;
            if (tries > 0) yield return (points[i - 1], points[i], tries);
        }
    }
}
