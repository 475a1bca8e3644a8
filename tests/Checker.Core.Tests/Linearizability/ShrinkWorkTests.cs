using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Core.Tests.Linearizability;

/// <summary>
/// Shrinking is bounded by work (configurations explored), not by time, so the same history gives the same
/// counterexample however loaded the machine is: with every core kept busy, and with a time limit far beyond
/// what it needs, the report is the same word for word as on an idle machine.
/// </summary>
public class ShrinkWorkTests
{
    static string Describe(CheckResult result)
    {
        var f = ((LinearizabilityReport)result.Details!).Failure!;
        return $"{f.Kind} at {Values.Format(f.Key)}: {f.Failed}; states {string.Join(", ", f.States)}; "
            + $"{string.Join("; ", f.Minimal)} from {string.Join(", ", f.MinimalStartsFrom)} ({f.ShrinkStopped})";
    }

    public static TheoryData<string> Histories => new() { "kv/c10-bad.txt", "crash-heavy" };

    static (Model Model, List<Operation> Ops) Load(string name)
    {
        if (name == "crash-heavy")
        {
            // 2,000 ops on one key, one in five crashed, one stale read: trials over crashed writes.
            var generated = BigHistory.Generate(2_000, 1, 5, seed: 7, injectStaleRead: true, crashShare: 0.2);
            return (ModelCatalog.Create("cas-register"), Pairing.Pair(generated.History));
        }
        var row = Corpus.Rows.First(r => r.File == name);
        return (ModelCatalog.Create("kv"), Pairing.Pair(HistoryFile.Load(row.Path), row.File));
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_counterexample_is_the_same_on_a_busy_machine(string name)
    {
        var (model, ops) = Load(name);
        string Check(TimeSpan shrink) =>
            Describe(new LinearizabilityChecker(model, new LinearizabilityOptions { ShrinkTime = shrink }).Check(ops));
        var idle = Check(TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("time", idle); // the safety net did not stop it
        using var stop = new CancellationTokenSource();
        var busy = Enumerable
            .Range(0, 2 * Environment.ProcessorCount)
            .Select(_ =>
                Task.Run(() =>
                {
                    var x = 0UL;
                    while (!stop.IsCancellationRequested)
                        x = x * 6364136223846793005UL + 1;
                    return x;
                })
            )
            .ToList();
        try
        {
            Assert.Equal(idle, Check(TimeSpan.FromSeconds(60)));
            Assert.Equal(idle, Check(TimeSpan.FromSeconds(600)));
        }
        finally
        {
            stop.Cancel();
            Task.WaitAll(busy);
        }
    }

    [Fact]
    public void Porcupines_c50_bad_gives_the_same_report_on_every_run_however_many_keys_are_searched_at_once()
    {
        // Keys after the failing one are stopped wherever they are: the report counts none of their work.
        var (model, ops) = Load("kv/c50-bad.txt");
        string Check(int parallelism)
        {
            var options = new LinearizabilityOptions { Parallelism = parallelism, ShrinkTime = TimeSpan.FromSeconds(60) };
            var result = new LinearizabilityChecker(model, options).Check(ops);
            return $"{Describe(result)}; {((LinearizabilityReport)result.Details!).Configurations} configurations";
        }
        var one = Check(1);
        Assert.StartsWith("PartlyShrunk at \"0\"", one);
        foreach (var parallelism in new[] { 2, 4, 10, 2, 4, 10 })
            Assert.Equal(one, Check(parallelism));
    }

    [Fact]
    public void A_search_given_a_bound_on_its_work_stops_there_unknown()
    {
        var generated = BigHistory.Generate(2_000, 1, 5, seed: 7, injectStaleRead: true, crashShare: 0.2);
        var ops = Pairing.Pair(generated.History);
        var model = ModelCatalog.Create("cas-register");
        var budget = new Budget(null, 1L << 30, default);
        var whole = Search.Run(ops, model, budget);
        Assert.Equal(Verdict.Invalid, whole.Verdict);
        var capped = Search.Run(ops, model, budget, work: whole.Configurations / 2);
        Assert.Equal(Verdict.Unknown, capped.Verdict);
        Assert.Equal(Search.WorkCapReached, capped.Cause);
        Assert.Equal(Verdict.Invalid, Search.Run(ops, model, budget, work: whole.Configurations + 5_000).Verdict);
    }
}
