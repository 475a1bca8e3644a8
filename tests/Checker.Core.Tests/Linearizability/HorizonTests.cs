using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>
/// The search leaves a crashed write or compare-and-set of a register untried once no definite operation
/// left could need the value it leaves (its horizon). On many small crash-heavy register histories, valid
/// and invalid, with nil reads read both ways, the verdict is the same as the search that tries every
/// crashed operation everywhere, in both orders of trying them.
/// </summary>
public class HorizonTests
{
    [Theory]
    [InlineData("register", false)]
    [InlineData("register", true)]
    [InlineData("cas-register", false)]
    [InlineData("cas-register", true)]
    public void Pruning_by_horizon_agrees_with_the_unpruned_search(string modelName, bool nilReadIsUnknown)
    {
        var model = ModelCatalog.Create(modelName, nilReadIsUnknown: nilReadIsUnknown);
        var rng = new Random(modelName.Length * 31 + (nilReadIsUnknown ? 1 : 0));
        int valid = 0, invalid = 0, pruned = 0;
        for (var i = 0; i < 4000; i++)
        {
            var history = CrashHeavyRegister(rng, cas: modelName == "cas-register", rng.Next(2, 14));
            var ops = Pairing.Pair(history, tuples: TupleKeys.Off);
            var budget = new Budget(null, 1L << 30, default);
            var expected = Search.RunInOrder(ops, model, budget, crashedLast: true, pruneByValues: false);
            var other = Search.RunInOrder(ops, model, budget, crashedLast: false, pruneByValues: false);
            Assert.Equal(expected.Verdict, other.Verdict);
            foreach (var crashedLast in new[] { false, true })
            {
                var outcome = Search.RunInOrder(ops, model, budget, crashedLast);
                if (outcome.Verdict != expected.Verdict)
                    Assert.Fail(
                        $"history {i}, crashed {(crashedLast ? "last" : "in call order")}: pruned search says "
                            + $"{outcome.Verdict}, unpruned {expected.Verdict}:\n{string.Join("\n", ops)}"
                    );
                if (crashedLast && outcome.Configurations < expected.Configurations)
                    pruned++;
            }
            Assert.Equal(expected.Verdict, Search.Run(ops, model, budget).Verdict);
            if (expected.Verdict == Verdict.Valid)
                valid++;
            else
                invalid++;
        }
        // Both verdicts well represented, and the pruning at work in many of them, or this proves little.
        Assert.True(valid > 800 && invalid > 800, $"{valid} valid and {invalid} invalid histories, {pruned} pruned");
        Assert.True(pruned > 400, $"pruning cut the search in only {pruned} histories");
    }

    [Fact]
    public void Leaving_out_unobservable_crashed_appends_agrees_with_the_unpruned_search()
    {
        var model = ModelCatalog.Create("kv");
        var rng = new Random(4242);
        int valid = 0, invalid = 0, pruned = 0, cuts = 0;
        for (var i = 0; i < 4000; i++)
        {
            var ops = Pairing.Pair(CrashHeavyKv(rng, rng.Next(2, 12)), tuples: TupleKeys.Off);
            var budget = new Budget(null, 1L << 30, default);
            var expected = Search.RunInOrder(ops, model, budget, crashedLast: true, pruneByValues: false);
            foreach (var crashedLast in new[] { false, true })
            {
                var outcome = Search.RunInOrder(ops, model, budget, crashedLast);
                if (outcome.Verdict != expected.Verdict)
                    Assert.Fail($"history {i}: pruned {outcome.Verdict}, unpruned {expected.Verdict}:\n{string.Join("\n", ops)}");
                if (crashedLast && outcome.Configurations < expected.Configurations)
                    pruned++;
            }
            if (expected.Verdict == Verdict.Valid)
                valid++;
            else
                invalid++;
            // And cut at a quiet moment, as the shrinker cuts.
            var definite = ops.Where(o => !o.Crashed).ToList();
            var quiet = definite.Select(o => o.Return).Where(t => definite.All(o => o.Return <= t || o.Call > t)).ToList();
            if (quiet.Count == 0)
                continue;
            var cut = quiet[rng.Next(quiet.Count)];
            var before = ops.Where(o => o.Crashed ? o.Call <= cut : o.Return <= cut).ToList();
            var after = ops.Where(o => o.Crashed || o.Call > cut).ToList();
            var ends = new List<StartConfig>();
            var verdict = Search.Ends(before, model, budget, [StartConfig.Initial(model)], ends, after, pruneFrom: 0).Verdict == Verdict.Valid
                ? Search.Run(after, model, budget, ends).Verdict
                : Verdict.Invalid;
            if (verdict != expected.Verdict)
                Assert.Fail($"history {i} cut at {cut}: {verdict}, whole {expected.Verdict}:\n{string.Join("\n", ops)}");
            cuts++;
        }
        Assert.True(valid > 800 && invalid > 800 && pruned > 300 && cuts > 1000, $"{valid} valid, {invalid} invalid, {pruned} pruned, {cuts} cuts");
    }

    [Theory]
    [InlineData("register")]
    [InlineData("cas-register")]
    public void A_history_cut_at_a_quiet_moment_keeps_its_verdict_with_pruned_ends(string modelName)
    {
        // As the shrinker cuts: the ends of the part before the cut (pruned, knowing what comes after), then
        // the part after it from those ends, must decide as the unpruned search of the whole history does.
        var model = ModelCatalog.Create(modelName);
        var rng = new Random(modelName.Length * 131);
        int cuts = 0, invalid = 0, pruned = 0;
        for (var i = 0; i < 4000; i++)
        {
            var ops = Pairing.Pair(CrashHeavyRegister(rng, modelName == "cas-register", rng.Next(4, 14)), tuples: TupleKeys.Off);
            var definite = ops.Where(o => !o.Crashed).ToList();
            var quiet = definite
                .Select(o => o.Return)
                .Where(t => definite.All(o => o.Return <= t || o.Call > t))
                .Distinct()
                .ToList();
            if (quiet.Count == 0)
                continue;
            var cut = quiet[rng.Next(quiet.Count)];
            var before = ops.Where(o => o.Crashed ? o.Call <= cut : o.Return <= cut).ToList();
            var after = ops.Where(o => o.Crashed || o.Call > cut).ToList();
            var budget = new Budget(null, 1L << 30, default);
            var expected = Search.RunInOrder(ops, model, budget, crashedLast: true, pruneByValues: false).Verdict;
            var ends = new List<StartConfig>();
            var starts = new[] { StartConfig.Initial(model) };
            var prunedEnds = Search.Ends(before, model, budget, starts, ends, after, pruneFrom: 0);
            var verdict = prunedEnds.Verdict == Verdict.Valid ? Search.Run(after, model, budget, ends).Verdict : Verdict.Invalid;
            if (verdict != expected)
                Assert.Fail($"history {i} cut at {cut}: {verdict}, the whole history {expected}:\n{string.Join("\n", ops)}");
            if (prunedEnds.Configurations < Search.Ends(before, model, budget, starts, [], pruneFrom: int.MaxValue).Configurations)
                pruned++;
            cuts++;
            if (expected == Verdict.Invalid)
                invalid++;
        }
        Assert.True(cuts > 1500 && invalid > 300 && pruned > 100, $"{cuts} cuts, {invalid} invalid, {pruned} searched fewer configurations");
    }

    [Fact]
    public void A_crash_heavy_history_with_a_stale_read_is_decided_invalid()
    {
        // 5,000 ops, every one crashed with a chance of 1 in 5 (about a thousand), one stale read: the
        // search that tried every crashed write everywhere ran past a minute on this.
        var generated = BigHistory.Generate(5_000, 1, 5, seed: 11, injectStaleRead: true, crashShare: 0.2);
        var options = new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60), ShrinkTime = TimeSpan.Zero };
        var ops = Pairing.Pair(generated.History);
        var result = new LinearizabilityChecker(ModelCatalog.Create("cas-register"), options).Check(ops);
        Assert.Equal(Verdict.Invalid, result.Verdict);
    }

    /// <summary>
    /// Porcupine's kv store on two keys, taking effect in a random order inside the intervals; two ops in
    /// five crash (half of those take effect), gets are sometimes corrupted. Appended strings overlap
    /// ("a" is part of "ab"), so a crashed append is sometimes found in a get's value only by chance.
    /// </summary>
    static List<Op> CrashHeavyKv(Random rng, int count)
    {
        string[] strings = ["a", "b", "ab", "c", "ca", "d", "e"];
        var specs = new List<(long Call, long Return, long Point, string F, string Key, string? Input)>();
        for (var i = 0; i < count; i++)
        {
            var call = (long)rng.Next(0, 16);
            var ret = call + rng.Next(0, 7);
            var f = rng.Next(5) switch
            {
                0 or 1 => "get",
                2 => "put",
                _ => "append",
            };
            var key = rng.Next(3) == 0 ? "y" : "x";
            specs.Add((call, ret, rng.Next((int)call, (int)ret + 1), f, key, f == "get" ? null : strings[rng.Next(strings.Length)]));
        }
        var state = new Dictionary<string, string> { ["x"] = "", ["y"] = "" };
        var events = new List<(long Time, int Order, Op Op)>();
        foreach (var (spec, process) in specs.Select((s, p) => (s, p)).OrderBy(x => x.s.Point).ThenBy(_ => rng.Next()))
        {
            var crashed = rng.NextDouble() < 0.4;
            var takesEffect = !crashed || rng.Next(2) == 0;
            object? output = spec.Input;
            if (spec.F == "get")
                output = rng.NextDouble() < 0.2 ? strings[rng.Next(strings.Length)] : state[spec.Key];
            else if (takesEffect)
                state[spec.Key] = spec.F == "put" ? spec.Input! : state[spec.Key] + spec.Input;
            events.Add((spec.Call, 0, new Op(0, spec.Call, process, OpType.Invoke, spec.F, spec.Input, spec.Key)));
            if (crashed && rng.Next(2) == 0)
                continue;
            var type = crashed ? OpType.Info : OpType.Ok;
            events.Add((spec.Return, 1, new Op(0, spec.Return, process, type, spec.F, output, spec.Key)));
        }
        return events.OrderBy(e => e.Time).ThenBy(e => e.Order).Select((e, i) => e.Op with { Index = i }).ToList();
    }

    /// <summary>
    /// A register (with cas if asked) on four processes, taking effect in a random order inside the
    /// intervals; two ops in five crash (half of those take effect), reads are sometimes corrupted, a cas
    /// from another value fails, or sometimes claims success anyway. Values are few, nil among them, so
    /// crashed writes are often read and often not.
    /// </summary>
    static List<Op> CrashHeavyRegister(Random rng, bool cas, int count)
    {
        object? Value() => rng.Next(6) == 0 ? null : (long)rng.Next(0, 4);
        var specs = new List<(long Call, long Return, long Point, string F, object? Input)>();
        for (var i = 0; i < count; i++)
        {
            var call = (long)rng.Next(0, 16);
            var ret = call + rng.Next(0, 7);
            var f = rng.Next(cas ? 3 : 2) switch
            {
                0 => "read",
                1 => "write",
                _ => "cas",
            };
            object? input = f switch
            {
                "read" => null,
                "write" => Value(),
                _ => new List<object?> { Value(), Value() },
            };
            specs.Add((call, ret, rng.Next((int)call, (int)ret + 1), f, input));
        }
        object? state = null;
        var events = new List<(long Time, int Order, Op Op)>();
        foreach (var (spec, process) in specs.Select((s, p) => (s, p)).OrderBy(x => x.s.Point).ThenBy(_ => rng.Next()))
        {
            var crashed = rng.NextDouble() < 0.4;
            var takesEffect = !crashed || rng.Next(2) == 0;
            var type = OpType.Ok;
            object? output = spec.Input;
            switch (spec.F)
            {
                case "read":
                    output = rng.NextDouble() < 0.25 ? Value() : state;
                    break;
                case "write":
                    if (takesEffect)
                        state = spec.Input;
                    break;
                default:
                    var fromTo = (List<object?>)spec.Input!;
                    if (Values.Same(fromTo[0], state))
                    {
                        if (takesEffect)
                            state = fromTo[1];
                    }
                    else if (rng.NextDouble() < 0.8)
                        type = OpType.Fail;
                    break;
            }
            events.Add((spec.Call, 0, new Op(0, spec.Call, process, OpType.Invoke, spec.F, spec.Input)));
            if (crashed && rng.Next(2) == 0)
                continue; // never completed
            events.Add((spec.Return, 1, new Op(0, spec.Return, process, crashed ? OpType.Info : type, spec.F, output)));
        }
        return events.OrderBy(e => e.Time).ThenBy(e => e.Order).Select((e, i) => e.Op with { Index = i }).ToList();
    }
}
