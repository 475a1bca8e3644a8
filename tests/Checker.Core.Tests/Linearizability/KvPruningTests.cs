using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>
/// The kv model's pruning: crashed appends tried only up to their horizons (the last get whose value contains
/// their string), and configurations left as soon as the first pending get could never find its value (the
/// key's string only grows between puts). On many small kv histories, valid and invalid, with crashed ops and
/// puts, the verdict is the one the search without any of it gives, in both orders of trying crashed ops, and
/// the history up to the operation an invalid search names stays a counterexample (as the shrinker relies).
/// </summary>
public class KvPruningTests
{
    [Fact]
    public void Pruning_kv_by_horizons_and_growth_agrees_with_the_unpruned_search()
    {
        var model = ModelCatalog.Create("kv");
        var rng = new Random(2417);
        int valid = 0, invalid = 0, pruned = 0, withCrashedAppends = 0;
        for (var i = 0; i < 5000; i++)
        {
            var ops = Pairing.Pair(KvHistory(rng, rng.Next(3, 16)), tuples: TupleKeys.Off);
            var budget = new Budget(null, 1L << 30, default);
            var expected = Search.RunInOrder(ops, model, budget, crashedLast: true, pruneByValues: false);
            foreach (var crashedLast in new[] { false, true })
            {
                var outcome = Search.RunInOrder(ops, model, budget, crashedLast);
                if (outcome.Verdict != expected.Verdict)
                    Assert.Fail(
                        $"history {i}, crashed {(crashedLast ? "last" : "in call order")}: pruned {outcome.Verdict}, "
                            + $"unpruned {expected.Verdict}:\n{string.Join("\n", ops)}"
                    );
                if (crashedLast && outcome.Configurations < expected.Configurations)
                    pruned++;
                if (outcome.Verdict == Verdict.Invalid)
                {
                    // Ops called after the named one returned cannot help: the prefix is invalid on its own.
                    var prefix = ops.Where(o => o.Call <= outcome.Blocked!.Return).ToList();
                    var again = Search.RunInOrder(prefix, model, budget, crashedLast: true, pruneByValues: false);
                    if (again.Verdict != Verdict.Invalid)
                        Assert.Fail($"history {i}: the prefix up to {outcome.Blocked} is {again.Verdict}:\n{string.Join("\n", ops)}");
                }
            }
            Assert.Equal(expected.Verdict, Search.Run(ops, model, budget).Verdict);
            if (ops.Any(o => o is { Crashed: true, F: "append" }))
                withCrashedAppends++;
            if (expected.Verdict == Verdict.Valid)
                valid++;
            else
                invalid++;
        }
        Assert.True(
            valid > 1000 && invalid > 1000 && pruned > 1000 && withCrashedAppends > 2000,
            $"{valid} valid, {invalid} invalid, {pruned} pruned, {withCrashedAppends} with crashed appends"
        );
    }

    [Fact]
    public void A_crashed_append_past_its_horizon_is_not_needed_and_one_before_it_is()
    {
        // The get of "ab" needs the crashed append of "b"; the later get of "" after a put cannot see it.
        var model = ModelCatalog.Create("kv");
        var ops = Pairing.Pair(
            [
                new Op(0, 0, 0, OpType.Invoke, "append", "a", "k"),
                new Op(1, 1, 0, OpType.Ok, "append", "a", "k"),
                new Op(2, 2, 1, OpType.Invoke, "append", "b", "k"),
                new Op(3, 3, 2, OpType.Invoke, "get", null, "k"),
                new Op(4, 4, 2, OpType.Ok, "get", "ab", "k"),
                new Op(5, 5, 2, OpType.Invoke, "put", "", "k"),
                new Op(6, 6, 2, OpType.Ok, "put", "", "k"),
                new Op(7, 7, 2, OpType.Invoke, "get", null, "k"),
                new Op(8, 8, 2, OpType.Ok, "get", "", "k"),
            ],
            tuples: TupleKeys.Off
        );
        var crashed = ops.Where(o => o.Crashed).ToList();
        var definite = ops.Where(o => !o.Crashed).OrderBy(o => o.Return).ToList();
        Assert.Equal(new[] { 1 }, model.Horizons(definite, crashed, null)!); // the get of "ab" is numbered 1
        var budget = new Budget(null, 1L << 30, default);
        Assert.Equal(Verdict.Valid, Search.RunInOrder(ops, model, budget, crashedLast: true).Verdict);
    }

    [Fact]
    public void States_are_described_in_a_stable_order_not_the_order_of_their_hashes()
    {
        // String hashes differ from process to process: a state printed in hash order differs from run to run.
        var kv = ModelCatalog.Create("kv");
        object? state = kv.Initial;
        foreach (var key in new[] { "q", "b", "zz", "a", "m" })
            kv.Step(state, new Operation(0, 0, "put", key, "v" + key, null, true, 0, long.MaxValue, null!, null), out state);
        Assert.Equal("{\"a\" \"va\", \"b\" \"vb\", \"m\" \"vm\", \"q\" \"vq\", \"zz\" \"vzz\"}", kv.Describe(state));
        var set = ModelCatalog.Create("set", initial: new List<object?> { "q", "b", "zz", "a" });
        Assert.Equal("#{\"a\" \"b\" \"q\" \"zz\"}", set.Describe(set.Initial));
    }

    /// <summary>
    /// Porcupine's kv store on three keys: appends of strings unique to each op (so a get's value tells which
    /// appends it saw), some puts, taking effect in a random order inside the intervals; one op in three
    /// crashes (half of those take effect), and one get in eight returns a value that was never there.
    /// </summary>
    static List<Op> KvHistory(Random rng, int count)
    {
        var specs = new List<(long Call, long Return, long Point, string F, string Key, string? Input)>();
        for (var i = 0; i < count; i++)
        {
            var call = (long)rng.Next(0, 20);
            var ret = call + rng.Next(0, 8);
            var f = rng.Next(8) switch
            {
                0 or 1 or 2 => "get",
                3 => "put",
                _ => "append",
            };
            var key = rng.Next(4) switch
            {
                0 => "y",
                1 => "z",
                _ => "x",
            };
            specs.Add((call, ret, rng.Next((int)call, (int)ret + 1), f, key, f == "get" ? null : $"<{i}>"));
        }
        var state = new Dictionary<string, string> { ["x"] = "", ["y"] = "", ["z"] = "" };
        var events = new List<(long Time, int Order, Op Op)>();
        foreach (var (spec, process) in specs.Select((s, p) => (s, p)).OrderBy(x => x.s.Point).ThenBy(_ => rng.Next()))
        {
            var crashed = spec.F != "get" && rng.Next(3) == 0 || rng.Next(12) == 0;
            var takesEffect = !crashed || rng.Next(2) == 0;
            object? output = spec.Input;
            if (spec.F == "get")
                output = rng.Next(8) == 0 ? state[spec.Key] + $"<{rng.Next(count)}>" : state[spec.Key];
            else if (takesEffect)
                state[spec.Key] = spec.F == "put" ? spec.Input! : state[spec.Key] + spec.Input;
            events.Add((spec.Call, 0, new Op(0, spec.Call, process, OpType.Invoke, spec.F, spec.F == "get" ? null : spec.Input, spec.Key)));
            if (crashed && rng.Next(2) == 0)
                continue;
            var type = crashed ? OpType.Info : OpType.Ok;
            events.Add((spec.Return, 1, new Op(0, spec.Return, process, type, spec.F, output, spec.Key)));
        }
        return events.OrderBy(e => e.Time).ThenBy(e => e.Order).Select((e, i) => e.Op with { Index = i }).ToList();
    }
}
