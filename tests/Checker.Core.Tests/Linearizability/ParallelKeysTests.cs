using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>
/// Keys are searched several at once, largest first, and the searches after a failing key stop: the report must
/// not depend on which search ended first. It names the first failing key in the order keys appear in the
/// history, with the same counterexample, however many keys are searched at once.
/// </summary>
public class ParallelKeysTests
{
    /// <summary>A linearizable history over keys, with reads of a value never written on some of them.</summary>
    static (List<Op> History, HashSet<long> Broken) WithBadReads(int seed, int brokenKeys)
    {
        var generated = BigHistory.Generate(6_000, 16, 8, seed, injectStaleRead: false);
        var rng = new Random(seed);
        var broken = new HashSet<long>();
        while (broken.Count < brokenKeys)
            broken.Add(rng.Next(16));
        var history = generated
            .History.Select(o =>
                o is { Type: OpType.Ok, F: "read", Key: long k } && broken.Contains(k) && rng.Next(40) == 0
                    ? o with
                    {
                        Value = -7_000_000L - o.Index, // never written
                    }
                    : o
            )
            .ToList();
        return (history, broken);
    }

    static string Describe(CheckResult result)
    {
        var report = (LinearizabilityReport)result.Details!;
        if (report.Failure is not { } f)
            return $"{result.Verdict} over {report.Keys} keys";
        return $"{result.Verdict} at key {Values.Format(f.Key)}: {f.Failed} after {f.LastLinearized}; "
            + $"states {string.Join(", ", f.States)}; minimal {string.Join("; ", f.Minimal)} (minimal: {f.MinimalIsMinimal}); "
            + $"prefix {f.Prefix.Count} ops; starts {string.Join(", ", f.MinimalStartsFrom)}";
    }

    [Fact]
    public void The_report_is_the_same_whichever_search_ends_first()
    {
        var model = ModelCatalog.Create("cas-register");
        foreach (var seed in Enumerable.Range(1, 6))
        {
            var (history, broken) = WithBadReads(seed, brokenKeys: 1 + seed % 4);
            var ops = Pairing.Pair(history);
            string Check(int parallelism) =>
                Describe(new LinearizabilityChecker(model, new LinearizabilityOptions { Parallelism = parallelism }).Check(ops));
            var one = Check(1);
            Assert.StartsWith("Invalid", one);
            // The first broken key in the order keys appear in the history.
            var firstKey = ops.Select(o => (long)o.Key!).Distinct().First(broken.Contains);
            Assert.Contains($"at key {firstKey}:", one);
            foreach (var parallelism in new[] { 2, 4, 16, 2, 4 })
                Assert.Equal(one, Check(parallelism));
        }
    }

    [Fact]
    public void Every_key_is_searched_when_asked_not_to_stop_and_a_valid_history_stays_valid()
    {
        var model = ModelCatalog.Create("cas-register");
        var valid = Pairing.Pair(BigHistory.Generate(6_000, 16, 8, seed: 3, injectStaleRead: false).History);
        foreach (var parallelism in new[] { 1, 2, 4 })
            Assert.Equal(
                "Valid over 16 keys",
                Describe(new LinearizabilityChecker(model, new LinearizabilityOptions { Parallelism = parallelism }).Check(valid))
            );
        var (history, _) = WithBadReads(5, brokenKeys: 3);
        var ops = Pairing.Pair(history);
        var options = new LinearizabilityOptions { StopAtFirstFailure = false };
        Assert.Equal(
            Describe(new LinearizabilityChecker(model, options with { Parallelism = 1 }).Check(ops)),
            Describe(new LinearizabilityChecker(model, options with { Parallelism = 4 }).Check(ops))
        );
    }
}
