using Checker.Core.Checks;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Checker.Runner.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Tests;

/// <summary>The runner's lifecycle with an in-process database: no server, so these run in the fast tier.</summary>
public sealed class LifecycleTests : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;
    readonly string runs = Directory.CreateTempSubdirectory("checker-runs-").FullName;

    static TestSpec Spec(string faults)
    {
        var spec = SpecLoader.Parse("{}", "t.json",
        [
            new("name", "lifecycle"), new("time-limit", "1"), new("nemesis.faults", faults), new("nemesis.initial-delay", "0.2"),
            new("nemesis.interval", "0.5"), new("nemesis.duration", "0.2"), new("recovery.final-reads", "0.3"), new("rate", "200"),
        ]);
        spec.Db.Settings = new Dictionary<string, JToken>(); // the in-memory suite's own: none
        spec.Workload.Settings = new Dictionary<string, JToken> { ["keys"] = 3 };
        return spec;
    }

    [Theory]
    [InlineData("pause-leader", "name a leader")]
    [InlineData("kill-random", "kill and restart")]
    [InlineData("loss", "lose packets")]
    [InlineData("pause-container", "frozen whole (Docker containers), which local nodes are not")]
    public async Task A_fault_the_database_or_network_cannot_do_is_refused_before_any_node_starts(string fault, string why)
    {
        var suite = new InMemorySuite();
        var e = await Assert.ThrowsAsync<SpecException>(() =>
            TestRunner.RunAsync(Spec(fault), suite, new RunOptions(results, 1, RunsDirectory: runs), CancellationToken.None));
        Assert.Contains($"'{fault}'", e.Message);
        Assert.Contains(why, e.Message);
        Assert.Equal(0, suite.Plans);
        Assert.Empty(Directory.GetFileSystemEntries(results)); // not even a run folder
    }

    [Fact]
    public async Task A_checker_that_throws_leaves_results_json_with_that_check_unknown_and_the_others_judged()
    {
        var outcome = await TestRunner.RunAsync(Spec("partition-random-halves,slow"), new InMemorySuite(throwingChecker: true),
            new RunOptions(results, 1, RunsDirectory: runs), CancellationToken.None);

        var json = JObject.Parse(File.ReadAllText(outcome.Folder.Results));
        var checks = (JObject)json["checks"]!;
        Assert.Equal("unknown", (string?)checks["throwing"]!["verdict"]);
        Assert.Contains("this checker always fails", (string?)checks["throwing"]!["summary"]);
        Assert.Equal("valid", (string?)checks["linearizable"]!["verdict"]);
        Assert.NotEqual("valid", (string?)json["verdict"]); // a check that could not judge never lets the run pass
        Assert.NotEqual(Verdict.Valid, outcome.Verdict);
        Assert.Empty(Directory.GetFiles(runs)); // the registry entry is gone once the run cleaned up
    }

    [Fact]
    public void A_run_cut_short_is_not_invalid_for_a_missing_success_but_still_for_a_wrong_answer()
    {
        var spec = Spec("");
        // Write 1 succeeds, a read then sees 2 (a wrong answer); cas never succeeds (maybe only the cut).
        List<Core.History.Op> history =
        [
            new(0, 1_000, 0, Core.History.OpType.Invoke, "write", 1L, 0L) { Node = "n1" },
            new(1, 2_000, 0, Core.History.OpType.Ok, "write", 1L, 0L),
            new(2, 3_000, 1, Core.History.OpType.Invoke, "read", null, 0L) { Node = "n2" },
            new(3, 4_000, 1, Core.History.OpType.Ok, "read", 2L, 0L),
            new(4, 5_000, 2, Core.History.OpType.Invoke, "cas", new List<object?> { 5L, 6L }, 0L) { Node = "n3" },
            new(5, 6_000, 2, Core.History.OpType.Fail, "cas", new List<object?> { 5L, 6L }, 0L),
        ];
        var workload = new Workloads.RegisterWorkload(new Workloads.RegisterSettings());
        var whole = RunChecks.Run(spec, workload, null, history, CancellationToken.None);
        var cut = RunChecks.Run(spec, workload, null, history, CancellationToken.None, cutShort: true);
        Assert.Equal(Verdict.Invalid, whole.Single(c => c.Checker == "stats").Verdict);
        Assert.Equal(Verdict.Unknown, cut.Single(c => c.Checker == "stats").Verdict);
        Assert.Equal(Verdict.Invalid, cut.Single(c => c.Checker == "linearizable").Verdict);
    }

    public void Dispose()
    {
        Directory.Delete(results, recursive: true);
        Directory.Delete(runs, recursive: true);
    }
}
