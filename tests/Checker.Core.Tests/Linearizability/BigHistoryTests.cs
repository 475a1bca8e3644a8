using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>A million operations over a thousand keys: valid as generated, invalid with one stale read.</summary>
[Trait("Tier", "Slow")]
public class BigHistoryTests
{
    [Fact]
    public void Million_op_history_is_valid_and_one_stale_read_is_found()
    {
        var model = ModelCatalog.Create("cas-register");
        var checker = new LinearizabilityChecker(model, new LinearizabilityOptions { Timeout = TimeSpan.FromMinutes(2) });

        var clean = BigHistory.Generate(1_000_000, 1_000, 50, seed: 7, injectStaleRead: false);
        var result = checker.Check(clean.History);
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Equal(1_000, ((LinearizabilityReport)result.Details!).Keys);

        var dirty = BigHistory.Generate(1_000_000, 1_000, 50, seed: 7, injectStaleRead: true);
        result = checker.Check(dirty.History);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        var failure = ((LinearizabilityReport)result.Details!).Failure!;
        var stale = dirty.StaleRead!;
        Assert.Equal(stale.Key, failure.Key);
        Assert.Contains(failure.Minimal, op => op.InvokeIndex == stale.Index && op.F == "read");
        Assert.True(failure.Minimal.Count <= 6, $"minimal counterexample has {failure.Minimal.Count} ops");
    }
}
