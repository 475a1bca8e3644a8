using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>
/// One key, every 5th operation crashed (indeterminate): the shape on which the search used to slow down
/// sharply with length, asking the model in every configuration about each crashed compare-and-set that
/// could not take effect there.
/// </summary>
public class CrashHeavyTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void A_crash_heavy_one_key_history_is_decided_valid_within_the_budget(int seed)
    {
        var generated = BigHistory.Generate(20_000, 1, 5, seed, injectStaleRead: false, crashShare: 0.2);
        var ops = Pairing.Pair(generated.History);
        Assert.True(ops.Count(o => o.Crashed) > 3_000);
        var options = new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(30) };
        var result = new LinearizabilityChecker(ModelCatalog.Create("cas-register"), options).Check(ops);
        Assert.Equal(Verdict.Valid, result.Verdict);
    }

    [Fact]
    public void A_crash_heavy_history_with_a_stale_read_is_never_called_valid()
    {
        var generated = BigHistory.Generate(600, 1, 5, seed: 5, injectStaleRead: true, crashShare: 0.2);
        var options = new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(30), ShrinkTime = TimeSpan.Zero };
        var result = new LinearizabilityChecker(ModelCatalog.Create("cas-register"), options).Check(Pairing.Pair(generated.History));
        Assert.NotEqual(Verdict.Valid, result.Verdict);
    }
}
