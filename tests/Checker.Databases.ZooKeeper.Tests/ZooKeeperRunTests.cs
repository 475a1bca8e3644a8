using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Runner.Generation;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

using Checker.Databases.ZooKeeper.Tests.Support;

namespace Checker.Databases.ZooKeeper.Tests;

/// <summary>Whole runs against a real local three-node ZooKeeper ensemble.</summary>
[Collection("zookeeper")]
[Trait("Tier", "Slow")]
public sealed class ZooKeeperRunTests : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    static TestSpec Spec(params (string Field, string Value)[] overrides) =>
        SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec, overrides.Select(o => KeyValuePair.Create(o.Field, o.Value)));

    Task<RunOutcome> Run(TestSpec spec, int seed) => TestRunner.RunAsync(spec, new RunOptions(results, seed), CancellationToken.None);

    [Fact]
    public async Task Thirty_seconds_of_partitions_and_kills_with_sync_reads_is_valid_and_leaves_nothing_running()
    {
        var spec = Spec(("time-limit", "30"), ("nemesis.faults", "partition-isolate-leader,kill-leader,partition-random-halves,kill-random,partition-one-way"),
            ("nemesis.interval", "5"), ("nemesis.duration", "3"), ("nemesis.initial-delay", "2"), ("rate", "150"));
        var outcome = await Run(spec, seed: 3);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var history = HistoryFile.Load(outcome.Folder.History);
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-partition");
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-kill");
        Assert.Contains(history, o => o.IsNemesis && o.F == "heal");
        // Whatever the machine's speed: after the final heal, every node served an ok operation.
        var healed = history.Last(o => o.IsNemesis && o.F == "heal" && o.Type == OpType.Info).Index;
        var served = history.Where(o => o.Index > healed && o.Type == OpType.Ok && !o.IsNemesis)
            .Select(o => Generator.NodeOf(o.Process, spec.Concurrency, spec.Nodes.Count)).Distinct().Count();
        Assert.Equal(spec.Nodes.Count, served);
        var json = JObject.Parse(File.ReadAllText(outcome.Folder.Results));
        Assert.Equal("valid", (string?)json["verdict"]);
        Assert.Equal(["linearizable", "stats", "recovery", "availability"], ((JObject)json["checks"]!).Properties().Select(p => p.Name));
        Assert.True(File.Exists(Path.Combine(outcome.Folder.NodeLogs, "n1", "zookeeper.log")));
        Assert.True(File.Exists(outcome.Folder.Spec) && File.Exists(outcome.Folder.Log));
        Assert.Equal(outcome.Folder.Dir, Path.GetFullPath(Path.Combine(results, spec.Name, new FileInfo(Path.Combine(results, spec.Name, "latest")).LinkTarget!)));
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
    }

    [Fact]
    public async Task A_client_that_sometimes_reads_a_stale_local_copy_is_found_invalid_for_a_stale_read()
    {
        var spec = Spec(("time-limit", "10"), ("client.mode", "stale-reads"), ("nemesis.faults", "kill-random"),
            ("nemesis.interval", "4"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "2"));
        var outcome = await Run(spec, seed: 5);

        var lin = outcome.Checks.Single(c => c.Checker == "linearizable");
        Assert.Equal(Verdict.Invalid, lin.Verdict);
        Assert.Contains("stale read", lin.Summary);
        Assert.Equal(Verdict.Invalid, outcome.Verdict);
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
    }

    [Fact]
    public async Task A_nemesis_that_leaves_no_quorum_past_the_budget_is_reported_not_recovered_with_the_window()
    {
        var spec = Spec(("time-limit", "5"), ("nemesis.faults", "kill-majority"), ("nemesis.leave-killed", "true"),
            ("nemesis.interval", "10"), ("nemesis.duration", "1"), ("nemesis.initial-delay", "2"),
            ("recovery.budget", "4"), ("recovery.stall", "3"), ("recovery.final-reads", "0"));
        var outcome = await Run(spec, seed: 7);

        var recovery = outcome.Checks.Single(c => c.Checker == "recovery");
        Assert.Equal(Verdict.Invalid, recovery.Verdict);
        Assert.Contains("not recovered", recovery.Summary);
        Assert.Matches(@"calm time counted: \d+\.\ds\.\.\d+\.\ds", recovery.Summary);
        Assert.Equal(Verdict.Invalid, outcome.Verdict);
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
    }

    [Fact]
    public async Task A_cluster_that_hangs_after_a_heal_with_its_processes_alive_fails_the_run_naming_the_window()
    {
        // Fault 1..4 s, calm 4..16 s, fault 16..19 s. Every server is frozen from 3 s to 17.5 s after setup,
        // unknown to the nemesis and the history: after the first heal, 12 s of calm time pass with no service.
        var spec = Spec(("time-limit", "22"), ("nemesis.faults", "partition-isolate-one"),
            ("nemesis.interval", "15"), ("nemesis.duration", "3"), ("nemesis.initial-delay", "1"));
        var suite = new Checker.Runner.Tests.Support.HangingSuite(new Databases.ZooKeeper.ZooKeeperSuite(), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(14.5));
        var outcome = await TestRunner.RunAsync(spec, suite, new RunOptions(results, 11), CancellationToken.None);

        var recovery = outcome.Checks.Single(c => c.Checker == "recovery");
        Assert.True(recovery.Verdict == Verdict.Invalid, recovery.Summary);
        Assert.Contains("not recovered", recovery.Summary);
        Assert.Matches(@"calm time counted: \d+\.\ds\.\.\d+\.\ds", recovery.Summary);
        Assert.Equal(Verdict.Valid, outcome.Checks.Single(c => c.Checker == "linearizable").Verdict); // no wrong answer, only a hang
        Assert.Equal(Verdict.Invalid, outcome.Verdict);
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
    }

    [Fact]
    public async Task The_history_says_when_it_started_and_which_node_each_op_went_to()
    {
        var spec = Spec(("time-limit", "3"), ("nemesis.faults", ""), ("recovery.final-reads", "0"));
        var outcome = await Run(spec, seed: 13);
        var header = new HistoryHeader();
        using (var reader = File.OpenText(outcome.Folder.History))
        {
            var ops = JsonLinesHistory.Read(reader, outcome.Folder.History, header).ToList();
            Assert.All(ops.Where(o => o.Type == OpType.Invoke && !o.IsNemesis), o => Assert.Equal($"n{Generator.NodeOf(o.Process, spec.Concurrency, 3) + 1}", o.Node));
        }
        Assert.Equal(["n1", "n2", "n3"], header.Nodes);
        Assert.InRange(header.Start!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        var log = File.ReadAllText(Path.Combine(outcome.Folder.NodeLogs, "n1", "zookeeper.log"));
        Assert.Matches(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}", log); // node logs carry wall-clock time
    }

    public void Dispose()
    {
        try { Directory.Delete(results, recursive: true); } catch (IOException) { }
    }
}
