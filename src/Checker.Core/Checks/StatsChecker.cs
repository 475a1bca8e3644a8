using Checker.Core.History;

namespace Checker.Core.Checks;

/// <summary>Counts and latencies of one operation function (f).</summary>
public sealed record OpStats(
    string F,
    int Ok,
    int Fail,
    int Info,
    int Pending,
    double OkPerSecond,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    double? LatencyMaxMs
);

/// <summary>The stats checker's figures: per f, and all client operations together.</summary>
public sealed record StatsReport(double Seconds, OpStats All, IReadOnlyList<OpStats> ByF);

/// <summary>
/// Operation statistics: how many ended ok, fail or info per f, throughput and latency of the ok ones.
/// Invalid, as in Jepsen, when some f never succeeded: a test that never got an answer proves little.
/// </summary>
public sealed class StatsChecker : IChecker
{
    public string Name => "stats";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        var byF = new Dictionary<string, List<(OpType Type, long Latency)>>(StringComparer.Ordinal);
        long first = long.MaxValue,
            last = long.MinValue;
        foreach (var op in history)
            if (!op.IsNemesis && op.Time >= 0)
            {
                first = Math.Min(first, op.Time);
                last = Math.Max(last, op.Time);
            }
        foreach (var (inv, done) in Pairing.Attempts(history))
        {
            if (!byF.TryGetValue(inv.F, out var list))
                byF[inv.F] = list = [];
            list.Add(
                done is null
                    ? (OpType.Invoke, -1) // never completed: pending
                    : (done.Type, done.Time >= 0 && inv.Time >= 0 ? done.Time - inv.Time : -1)
            );
        }
        var seconds = last > first ? (last - first) / 1e9 : 0;
        var stats = byF.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => Summarize(kv.Key, kv.Value, seconds))
            .ToList();
        var all = Summarize("all", byF.Values.SelectMany(l => l).ToList(), seconds);
        var report = new StatsReport(seconds, all, stats);
        var never = stats.Where(s => s.Ok == 0).Select(s => s.F).ToList();
        var verdict = stats.Count == 0 || never.Count > 0 ? Verdict.Invalid : Verdict.Valid;
        var summary =
            stats.Count == 0
                ? "no client operations"
                : $"{all.Ok} ok, {all.Fail} fail, {all.Info} info{(all.Pending > 0 ? $", {all.Pending} pending" : "")} "
                    + $"({all.OkPerSecond:0.#} "
                    + $"ok/s{(all.LatencyP50Ms is { } p ? $", p50 {p:0.##} ms, p99 {all.LatencyP99Ms:0.##} ms" : "")})"
                    + (never.Count > 0 ? $"; never succeeded: {string.Join(", ", never)}" : "");
        return new CheckResult(Name, verdict, summary, report);
    }

    static OpStats Summarize(string f, List<(OpType Type, long Latency)> ops, double seconds)
    {
        var ok = ops.Where(o => o.Type == OpType.Ok).ToList();
        var latencies = ok.Where(o => o.Latency >= 0).Select(o => o.Latency / 1e6).Order().ToList();
        double? Pct(double q) => latencies.Count == 0 ? null : Quantiles.NearestRank(latencies, q);
        return new OpStats(
            f,
            ok.Count,
            ops.Count(o => o.Type == OpType.Fail),
            ops.Count(o => o.Type == OpType.Info),
            ops.Count(o => o.Type == OpType.Invoke),
            seconds > 0 ? ok.Count / seconds : 0,
            Pct(0.5),
            Pct(0.95),
            Pct(0.99),
            latencies.Count == 0 ? null : latencies[^1]
        );
    }
}
