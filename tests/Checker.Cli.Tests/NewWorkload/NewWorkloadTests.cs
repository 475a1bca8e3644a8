using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.Workloads;
using Checker.Report.Data;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests.NewWorkload;

/// <summary>
/// A sixth workload, a grow-only counter, added as docs/extending.md says: new files (its checker with
/// its descriptor, its workload, a database's client for it) and one registration. The run, the report's
/// reading of results.json and `checker check --workload`'s checker all find it through that registration.
/// </summary>
public sealed class NewWorkloadTests : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;
    readonly string runs = Directory.CreateTempSubdirectory("checker-runs-").FullName;

    static NewWorkloadTests() => WorkloadCatalog.Register(CounterChecker.Workload); // the one registration

    static TestSpec Spec(string mode)
    {
        var spec = SpecLoader.Parse("{}", "counter.json",
        [
            new("name", "counter"), new("time-limit", "1"), new("nemesis.faults", "partition-random-halves"),
            new("nemesis.initial-delay", "0.2"), new("nemesis.interval", "0.5"), new("nemesis.duration", "0.2"),
            new("recovery.final-reads", "0.3"), new("rate", "200"), new("client.fault-probability", "0.5"),
        ]);
        // The in-process database is not one Checker ships: the spec is loaded as a shipped one's, then pointed at it.
        spec.Db.Settings = new Dictionary<string, JToken>();
        spec.Workload.Name = CounterChecker.Workload.Name;
        spec.Workload.Settings = new Dictionary<string, JToken> { ["addWeight"] = 3, ["readWeight"] = 1 };
        spec.Client.Mode = mode;
        new InMemoryCounterSuite().Validate(spec);
        return spec;
    }

    async Task<(RunOutcome Outcome, RunResults Results)> RunAsync(string mode)
    {
        var outcome = await TestRunner.RunAsync(Spec(mode), new InMemoryCounterSuite(),
            new RunOptions(results, 7, RunsDirectory: runs), CancellationToken.None);
        return (outcome, ResultsFile.Read(outcome.Folder.Results));
    }

    [Fact]
    public async Task A_correct_counter_runs_through_the_lifecycle_and_all_of_Checker_knows_it_by_one_registration()
    {
        var (outcome, read) = await RunAsync(ClientModes.Correct);

        var counter = read.Checks.Single(c => c.Checker == "counter");
        Assert.Equal(Verdict.Valid, counter.Verdict);
        var report = Assert.IsType<CounterReport>(counter.Details); // read back typed, by the descriptor
        Assert.True(report.Adds > 0 && report.Reads > 0, $"{report}");
        Assert.Contains(read.Checks, c => c.Checker == "availability"); // its writes, from the descriptor, are judged
        Assert.Contains(read.Checks, c => c.Checker == "recovery");
        // checker check --workload counter: the same checker on the recorded history, found by name.
        Assert.Contains("counter", WorkloadCatalog.Checkable);
        var history = HistoryFile.Open(outcome.Folder.History).Ops;
        var checker = WorkloadCatalog.Find("counter")!.CreateChecker(new(outcome.Folder.History));
        Assert.Equal(Verdict.Valid, checker.Check(history).Verdict);
        // The run's spec.json is the resolved spec: every default written out, the workload's fields with it.
        var spec = JObject.Parse(File.ReadAllText(outcome.Folder.Spec));
        Assert.Equal("counter", (string?)spec.SelectToken("workload.name"));
        Assert.Equal(3, (int)spec.SelectToken("workload.addWeight")!);
        Assert.NotNull(spec.SelectToken("nemesis.healMode"));
        Assert.NotNull(spec.SelectToken("recovery.budget"));
    }

    [Fact]
    public async Task The_descriptor_s_faulty_mode_drops_adds_and_the_counter_checker_finds_the_reads_missing_them()
    {
        Assert.Equal("drop-adds", ClientModes.FaultyModeOf("counter"));
        var (_, read) = await RunAsync("drop-adds");

        var counter = read.Checks.Single(c => c.Checker == "counter");
        Assert.Equal(Verdict.Invalid, counter.Verdict);
        Assert.True(((CounterReport)counter.Details!).OutOfBounds > 0);
        Assert.Equal(Verdict.Invalid, read.Verdict);
    }

    public void Dispose()
    {
        Directory.Delete(results, true);
        Directory.Delete(runs, true);
    }
}
