using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Tests.Support;

/// <summary>
/// Small random histories for differential tests: operations on distinct processes with random
/// (often overlapping, often tied) intervals, results computed by running the model in a random
/// legal order and then sometimes corrupted, so roughly half are linearizable. Some operations
/// crash (info, or no completion), some fail.
/// </summary>
public static class RandomHistories
{
    public static List<Op> Generate(Random rng, string model, int count)
    {
        var m = ModelCatalog.Create(model);
        var state = m.Initial;
        var specs = new List<(long Call, long Return, long Point, string F, object? Key, object? Input)>();
        for (var i = 0; i < count; i++)
        {
            var call = (long)rng.Next(0, 12);
            var ret = call + rng.Next(0, 6);
            var (f, key, input) = Invocation(rng, model);
            specs.Add((call, ret, rng.Next((int)call, (int)ret + 1), f, key, input));
        }
        var events = new List<(long Time, int Order, Op Op)>();
        var index = 0;
        foreach (var (spec, process) in specs.Select((s, p) => (s, p)).OrderBy(x => x.s.Point).ThenBy(_ => rng.Next()))
        {
            // Take effect at the chosen point, in that order, to get a result the model allows.
            var output = Output(rng, m, state, spec.F, spec.Key, spec.Input);
            var probe = new Operation(0, process, spec.F, spec.Key, spec.Input, output, false, spec.Call, spec.Return, null!, null);
            var applies = m.Step(state, probe, out var after);
            var outcome = rng.NextDouble();
            var crashed = outcome < 0.15;
            var lie = !applies && rng.NextDouble() < 0.3; // claims success for what could not happen
            var failed = !crashed && !lie && (!applies || outcome < 0.2);
            if (!crashed && !failed && IsRead(spec.F) && rng.NextDouble() < 0.2) output = Corrupt(rng, model, output);
            if (!failed && applies && (!crashed || rng.NextDouble() < 0.5)) state = after;
            events.Add((spec.Call, 0, new Op(0, spec.Call, process, OpType.Invoke, spec.F, spec.Input, spec.Key)));
            if (crashed && rng.NextDouble() < 0.5) continue; // never completed
            var type = crashed ? OpType.Info : failed ? OpType.Fail : OpType.Ok;
            events.Add((spec.Return, 1, new Op(0, spec.Return, process, type, spec.F, type == OpType.Ok ? output : spec.Input, spec.Key)));
            index++;
        }
        return events.OrderBy(e => e.Time).ThenBy(e => e.Order).Select((e, i) => e.Op with { Index = i }).ToList();
    }

    static (string F, object? Key, object? Input) Invocation(Random rng, string model)
    {
        long V() => rng.Next(0, 3);
        return model switch
        {
            "register" => rng.Next(2) == 0 ? ("read", null, null) : ("write", null, V()),
            "cas-register" => rng.Next(3) switch
            {
                0 => ("read", null, null),
                1 => ("write", null, V()),
                _ => ("cas", null, new List<object?> { V(), V() }),
            },
            "mutex" => (rng.Next(2) == 0 ? "acquire" : "release", null, null),
            "set" => rng.Next(3) == 0 ? ("read", null, null) : ("add", null, V()),
            "unordered-queue" or "fifo-queue" => rng.Next(2) == 0 ? ("enqueue", null, V()) : ("dequeue", null, null),
            "multi-register" => ("txn", null, Enumerable.Range(0, rng.Next(1, 3))
                .Select(_ => (object?)new List<object?> { rng.Next(2) == 0 ? "r" : "w", rng.Next(2) == 0 ? "x" : "y", rng.Next(2) == 0 ? null : V() })
                .ToList()),
            "kv" => rng.Next(3) switch
            {
                0 => ("get", Key(rng), null),
                1 => ("put", Key(rng), V().ToString()),
                _ => ("append", Key(rng), V().ToString()),
            },
            _ => throw new ArgumentException(model),
        };
    }

    static bool IsRead(string f) => f is "read" or "get" or "dequeue" or "txn";

    static string Key(Random rng) => rng.Next(2) == 0 ? "a" : "b";

    /// <summary>What the op returns if it takes effect in state (reads report what they saw).</summary>
    static object? Output(Random rng, Model m, object? state, string f, object? key, object? input)
    {
        switch (m.Name, f)
        {
            case ("register" or "cas-register", "read"): return state;
            case ("set", "read"): return ((IEnumerable<object?>)state!).ToList();
            case ("fifo-queue", "dequeue"): return ((IList<object?>)state!).FirstOrDefault();
            case ("unordered-queue", "dequeue"):
                var present = ((IDictionary<object, object?>)state!).Keys.ToList();
                return present.Count == 0 ? null : present[rng.Next(present.Count)];
            case ("kv", "get"): return ((IDictionary<object, object?>)state!).TryGetValue(key!, out var v) ? v : "";
            case ("multi-register", "txn"):
                var map = (System.Collections.Immutable.ImmutableDictionary<object, object?>)state!;
                var result = new List<object?>();
                foreach (var x in (IList<object?>)input!)
                {
                    var t = (IList<object?>)x!;
                    if (t[0] is "r") result.Add(new List<object?> { "r", t[1], map.GetValueOrDefault(t[1]!) });
                    else
                    {
                        map = map.SetItem(t[1]!, t[2]);
                        result.Add(t);
                    }
                }
                return result;
            default: return input;
        }
    }

    static object? Corrupt(Random rng, string model, object? output) => model switch
    {
        "set" => new List<object?> { (long)rng.Next(0, 3) },
        "kv" => rng.Next(0, 3).ToString(),
        "multi-register" => ((IList<object?>)output!).Select(x => x is IList<object?> { Count: 3 } t && t[0] is "r"
            ? new List<object?> { "r", t[1], (long)rng.Next(0, 3) }
            : x).ToList(),
        _ => (long)rng.Next(0, 3),
    };
}
