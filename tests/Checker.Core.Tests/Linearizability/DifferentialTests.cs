using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>On thousands of small random histories per model, the search agrees with trying every order.</summary>
public class DifferentialTests
{
    public static TheoryData<string> Models() => new(ModelCatalog.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Search_agrees_with_brute_force(string modelName)
    {
        var model = ModelCatalog.Create(modelName);
        var rng = new Random(modelName.Length * 7919 + modelName[0]);
        int valid = 0, invalid = 0;
        for (var i = 0; i < 3000; i++)
        {
            var history = RandomHistories.Generate(rng, modelName, rng.Next(1, 8));
            var ops = Pairing.Pair(history, tuples: TupleKeys.Off);
            var expected = BruteForce.IsLinearizable(ops, model);
            var options = new LinearizabilityOptions
            {
                ShrinkTime = TimeSpan.FromSeconds(2),
                SplitByKey = model.SpansKeys && rng.Next(2) == 0,
            };
            var result = new LinearizabilityChecker(model, options with { Tuples = TupleKeys.Off }).Check(ops);
            if (result.Verdict != (expected ? Verdict.Valid : Verdict.Invalid))
                Assert.Fail($"history {i} ({options}): search says {result.Verdict}, brute force says {(expected ? "valid" : "invalid")}:\n{string.Join("\n", history.Select(o => $"t={o.Time} {o}"))}");
            if (expected)
            {
                valid++;
                continue;
            }
            invalid++;
            // The counterexample is a real witness: not linearizable on its own either, from any state it may start in.
            var failure = ((LinearizabilityReport)result.Details!).Failure!;
            var witness = ops.Where(o => !o.Crashed && failure.Minimal.Any(m => m.InvokeIndex == o.Invoke.Index)).ToList();
            Assert.Equal(failure.Minimal.Count, witness.Count);
            Assert.NotEmpty(failure.StartValues);
            foreach (var start in failure.StartValues)
                Assert.False(BruteForce.IsLinearizable(witness, model, start), $"history {i}: the minimal counterexample is linearizable from {Values.Format(start)}:\n{string.Join("\n", witness)}");
        }
        // Both verdicts must be well represented, or the comparison proves little.
        Assert.True(valid > 300 && invalid > 300, $"{valid} valid and {invalid} invalid histories");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Both_orders_of_trying_crashed_operations_agree_with_brute_force(string modelName)
    {
        // The checker tries crashed operations in call order first and falls back to trying them last
        // only on large searches, so small histories would never reach the second order without this.
        var model = ModelCatalog.Create(modelName);
        var rng = new Random(modelName.Length * 104729 + modelName[^1]);
        var withCrashes = 0;
        for (var i = 0; i < 3000; i++)
        {
            var ops = Pairing.Pair(RandomHistories.Generate(rng, modelName, rng.Next(1, 9)), tuples: TupleKeys.Off);
            if (ops.Any(o => o.Crashed)) withCrashes++;
            var expected = BruteForce.IsLinearizable(ops, model) ? Verdict.Valid : Verdict.Invalid;
            foreach (var crashedLast in new[] { false, true })
            {
                var outcome = Search.RunInOrder(ops, model, new Budget(null, 1L << 30, default), crashedLast);
                if (outcome.Verdict != expected)
                    Assert.Fail($"history {i}, crashed {(crashedLast ? "last" : "in call order")}: search says {outcome.Verdict}, brute force {expected}:\n{string.Join("\n", ops)}");
            }
        }
        Assert.True(withCrashes > 1000, $"only {withCrashes} histories with crashed operations");
    }
}
