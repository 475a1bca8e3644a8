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
            var options = new LinearizabilityOptions { ShrinkTime = TimeSpan.FromSeconds(2), SplitByKey = model.SpansKeys && rng.Next(2) == 0 };
            var result = new LinearizabilityChecker(model, options with { Tuples = TupleKeys.Off }).Check(ops);
            if (result.Verdict != (expected ? Verdict.Valid : Verdict.Invalid))
                Assert.Fail($"history {i}: search says {result.Verdict}, brute force says {(expected ? "valid" : "invalid")}:\n{string.Join("\n", history)}");
            if (expected)
            {
                valid++;
                continue;
            }
            invalid++;
            // The counterexample is a real witness: not linearizable on its own either.
            var minimal = ((LinearizabilityReport)result.Details!).Failure!.Minimal;
            var witness = ops.Where(o => !o.Crashed && minimal.Any(m => m.InvokeIndex == o.Invoke.Index)).ToList();
            Assert.Equal(minimal.Count, witness.Count);
            Assert.False(BruteForce.IsLinearizable(witness, model), $"history {i}: the minimal counterexample is linearizable:\n{string.Join("\n", witness)}");
        }
        // Both verdicts must be well represented, or the comparison proves little.
        Assert.True(valid > 300 && invalid > 300, $"{valid} valid and {invalid} invalid histories");
    }
}
