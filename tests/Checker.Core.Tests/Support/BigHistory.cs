using Checker.Core.History;

namespace Checker.Core.Tests.Support;

/// <summary>
/// Large histories from a simulated linearizable store: processes issue reads, writes and
/// compare-and-sets on independent keys; each operation takes effect at a random instant inside its
/// interval, in instant order, so the history is linearizable by construction. Every write carries a
/// value never written before, which makes an injected stale read unambiguous.
/// </summary>
public static class BigHistory
{
    public sealed record Generated(List<Op> History, Op? StaleRead);

    sealed class Spec
    {
        public int Process;
        public long Call, Return, Point;
        public string F = "";
        public long Key;
        public object? Input, Output;
        public bool Crashed, Failed;
    }

    /// <param name="operations">Operations (each an invoke and a completion).</param>
    /// <param name="crashShare">The chance that an operation (of kind crashedF, or any) never returns; half of those take effect.</param>
    public static Generated Generate(int operations, int keys, int processes, int seed, bool injectStaleRead, double crashShare = 0.002, string? crashedF = null)
    {
        var rng = new Random(seed);
        var specs = new List<Spec>(operations);
        var perProcess = operations / processes;
        for (var p = 0; p < processes; p++)
        {
            var t = (long)rng.Next(0, 1000) * 1000;
            var process = p;
            for (var i = 0; i < perProcess; i++)
            {
                var duration = rng.Next(1, 50) * 1000L;
                var s = new Spec { Process = process, Call = t, Return = t + duration, Point = t + rng.NextInt64(0, duration + 1), Key = rng.Next(keys) };
                switch (rng.Next(3))
                {
                    case 0: s.F = "read"; break;
                    case 1: s.F = "write"; break;
                    default: s.F = "cas"; break;
                }
                var roll = rng.NextDouble();
                s.Crashed = (crashedF is null || crashedF == s.F) && roll < crashShare;
                if (s.Crashed) process += processes; // Jepsen's rule: a crashed process never returns; its successor gets a new id
                specs.Add(s);
                t = s.Return + rng.Next(1, 20) * 1000L;
            }
        }

        // Apply in the order of the instants at which they take effect.
        var store = new Dictionary<long, object?>();
        var nextValue = 1L;
        var byPoint = specs.OrderBy(s => s.Point).ToList();
        foreach (var s in byPoint)
        {
            var current = store.GetValueOrDefault(s.Key);
            var applied = !s.Crashed || rng.Next(2) == 0;
            switch (s.F)
            {
                case "read":
                    s.Output = current;
                    break;
                case "write":
                    s.Input = s.Output = nextValue++;
                    if (applied) store[s.Key] = s.Input;
                    break;
                default:
                    // Most cas attempts guess right, as a client that just read would.
                    var from = rng.Next(4) == 0 ? -1L : current;
                    s.Input = s.Output = new List<object?> { from, nextValue++ };
                    s.Failed = !Values.Same(from, current);
                    if (!s.Failed && applied) store[s.Key] = ((List<object?>)s.Input)[1];
                    break;
            }
        }

        Spec? stale = injectStaleRead ? InjectStaleRead(byPoint, rng) : null;
        var events = new List<(long Time, int Order, Spec S, bool Invoke)>(operations * 2);
        foreach (var s in specs)
        {
            events.Add((s.Call, 0, s, true));
            if (!s.Crashed) events.Add((s.Return, 1, s, false));
        }
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order.CompareTo(b.Order));
        var history = new List<Op>(events.Count);
        Op? staleOp = null;
        foreach (var (time, _, s, invoke) in events)
        {
            var type = invoke ? OpType.Invoke : s.Failed ? OpType.Fail : OpType.Ok;
            var value = invoke ? (s.F == "read" ? null : s.Input) : s.Output;
            var op = new Op(history.Count, time, s.Process, type, s.F, value, s.Key);
            history.Add(op);
            if (invoke && s == stale) staleOp = op;
        }
        return new Generated(history, staleOp);
    }

    /// <summary>Makes one read return the value its key held before a write that finished before the read began.</summary>
    static Spec InjectStaleRead(List<Spec> byPoint, Random rng)
    {
        var lastWrite = new Dictionary<long, (Spec Write, object? Before)>();
        var values = new Dictionary<long, object?>();
        var candidates = new List<(Spec Read, object? Stale)>();
        foreach (var s in byPoint)
        {
            var before = values.GetValueOrDefault(s.Key);
            if (s.F == "read" && !s.Crashed && lastWrite.TryGetValue(s.Key, out var w) && w.Write.Return < s.Call)
                candidates.Add((s, w.Before));
            if (s.Crashed || s.Failed || s.F == "read") continue;
            var after = s.F == "write" ? s.Input : ((List<object?>)s.Input!)[1];
            lastWrite[s.Key] = (s, before);
            values[s.Key] = after;
        }
        var (read, staleValue) = candidates[rng.Next(candidates.Count)];
        read.Output = staleValue;
        return read;
    }
}
