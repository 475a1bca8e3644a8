using Checker.Core.History;

namespace Checker.Tests;

/// <summary>
/// A made-up single-register history with nemesis windows, for the benchmark and tests: processes read and
/// write with latencies that grow while a fault is active, some ops fail or time out (info) during faults.
/// Writes take effect at their completion and reads return the value at theirs, so the history is
/// linearizable, unless a stale read is planted.
/// </summary>
internal static class SyntheticHistory
{
    /// <summary>The faults it injects, as fractions of the run: a partition, then a kill.</summary>
    public static readonly (string Kind, double From, double To)[] Faults = [("partition", 0.30, 0.50), ("kill", 0.70, 0.80)];

    /// <param name="operations">Client operations (each an invoke and a completion record).</param>
    /// <param name="staleReadAt">Plant, at about this fraction of the run, a read that returns a value never written.</param>
    public static List<Op> Generate(int operations, int processes = 5, int seed = 1, double? staleReadAt = null)
    {
        var random = new Random(seed);
        var meanGap = 1_000_000L; // 1 ms between a process's ops
        var duration = operations / processes * 3_000_000L;
        var events = new List<(long Time, int Order, Op Op)>(operations * 2 + 8);
        var order = 0;
        void Add(long time, int process, OpType type, string f, object? value) =>
            events.Add((time, order++, new Op(0, time, process, type, f, value)));

        foreach (var (kind, from, to) in Faults)
        {
            Add((long)(duration * from), Op.NemesisProcess, OpType.Invoke, $"start-{kind}", null);
            Add((long)(duration * from) + 1000, Op.NemesisProcess, OpType.Info, $"start-{kind}", $"{kind} n1");
            Add((long)(duration * to), Op.NemesisProcess, OpType.Invoke, $"stop-{kind}", null);
            Add((long)(duration * to) + 1000, Op.NemesisProcess, OpType.Info, $"stop-{kind}", null);
        }

        // Per process, ops back to back; the register's value is decided afterwards in completion order.
        var planned = new List<(long Invoke, long Complete, int Process, string F, long Written, OpType End)>(operations);
        var perProcess = operations / processes;
        for (var p = 0; p < processes; p++)
        {
            var t = (long)(random.NextDouble() * meanGap);
            for (var i = 0; i < perProcess + (p < operations % processes ? 1 : 0); i++)
            {
                var fraction = (double)t / duration;
                var faulty = Faults.Any(f => fraction >= f.From && fraction < f.To);
                var latency = (long)((faulty ? 20_000_000 : 1_000_000) * Math.Exp(random.NextDouble() * 2 - 1) * (random.Next(100) == 0 ? 10 : 1));
                var end = !faulty ? OpType.Ok : random.Next(10) switch { 0 or 1 => OpType.Fail, 2 => OpType.Info, _ => OpType.Ok };
                var f = random.Next(2) == 0 ? "read" : "write";
                planned.Add((t, t + latency, p, f, random.Next(5), end));
                t += latency + (long)(random.NextDouble() * meanGap * 2);
            }
        }
        long? value = null; // the register starts empty: reads return nil until the first write
        var stalePlanted = false;
        foreach (var op in planned.OrderBy(o => o.Complete))
        {
            var stale = !stalePlanted && staleReadAt is { } at && op.F == "read" && op.End == OpType.Ok && op.Complete >= duration * at;
            stalePlanted |= stale;
            if (op.F == "write" && op.End == OpType.Ok) value = op.Written;
            Add(op.Invoke, op.Process, OpType.Invoke, op.F, op.F == "write" ? op.Written : null);
            object? result = op.F == "write" ? op.Written : op.End == OpType.Ok ? (stale ? 99L : value) : null;
            Add(op.Complete, op.Process, op.End, op.F, result);
        }
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order.CompareTo(b.Order));
        var history = new List<Op>(events.Count);
        foreach (var e in events) history.Add(e.Op with { Index = history.Count });
        return history;
    }
}
