using Checker.Core.Checks;
using Checker.Runner.Nodes;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Checker.Runner.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Checker.Nodes.Tests.Extending;

/// <summary>
/// docs/extending.md's recipe for a node provider, followed for ToyNodeKind: new files and the one registration
/// line below, and the spec, the validator, the fault table, the lifecycle, results.json and `checker clean` take
/// it as they take the built-in ones. Its database is in memory, so this runs in the fast tier.
/// </summary>
public sealed class NewNodeProviderTests : IDisposable
{
    static NewNodeProviderTests() => NodeProviders.Register(new ToyNodeKind()); // the registration line

    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;
    readonly string runs = Directory.CreateTempSubdirectory("checker-runs-").FullName;

    static TestSpec Spec(string faults, params (string, string)[] nodes)
    {
        var spec = SpecLoader.Parse("{}", "t.json",
        [
            new("name", "toy"), new("nodes.provider", ToyNodeKind.ProviderName), new("time-limit", "1.5"),
            new("nemesis.faults", faults), new("nemesis.initial-delay", "0.2"), new("nemesis.interval", "0.5"),
            new("nemesis.duration", "0.3"), new("recovery.final-reads", "0.3"), new("rate", "200"),
            .. nodes.Select(f => KeyValuePair.Create(f.Item1, f.Item2)),
        ]);
        spec.Db.Settings = new Dictionary<string, JToken>(); // the in-memory suite's own: none
        spec.Workload.Settings = new Dictionary<string, JToken> { ["keys"] = 3 };
        return spec;
    }

    [Fact]
    public async Task A_registered_provider_runs_a_test_through_the_lifecycle_with_the_faults_its_nodes_type_offers()
    {
        var spec = Spec("pause-container", ("nodes.count", "2"), ("nodes.idle-seconds", "300"));
        Assert.Equal(2, spec.Nodes.Count);
        Assert.Equal(300, (int)spec.Nodes.Settings["idleSeconds"]);
        Assert.True((bool)spec.Nodes.Settings["holdAll"]); // the provider's default, written into the spec

        var options = new RunOptions(results, 7, RunsDirectory: runs);
        var outcome = await TestRunner.RunAsync(spec, new InMemorySuite(), options, CancellationToken.None);

        Assert.Equal(Verdict.Valid, outcome.Verdict);
        var json = JObject.Parse(File.ReadAllText(outcome.Folder.Results));
        Assert.Equal(ToyNodeKind.ProviderName, (string?)json["nodes"]);
        Assert.Equal("proxy", (string?)json["network"]);
        Assert.Equal(ToyNodeKind.ProviderName, (string?)json["conditions"]!["provider"]);
        var saved = JObject.Parse(File.ReadAllText(outcome.Folder.Spec));
        Assert.Equal(300, (int)saved["nodes"]!["idleSeconds"]!);
        // The nemesis froze toy nodes whole: the fault table offered it because FreezableToyNodes is an INodeFreezer.
        var history = File.ReadAllText(outcome.Folder.History);
        Assert.Contains("\"pause-container\"", history);
        Assert.Contains("start-pause", history);
        // Nothing outlives the run: its idle processes, its nodes' folder, its registry entry.
        var mine = ToyNodeKind.Started
            .Where(p => p.Node.Directory.Contains(outcome.Folder.RunId, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, mine.Count);
        Assert.All(mine, p =>
            Assert.False(Posix.IsAlive(p.Pid, p.StartTime), $"{p.Name} on {p.Node} outlived the run"));
        Assert.False(Directory.Exists(new ToyNodeKind().NodesRoot(outcome.Folder.RunId)));
        Assert.Empty(Directory.GetFiles(runs));
    }

    [Fact]
    public async Task Nodes_whose_type_is_no_freezer_have_the_whole_node_freeze_refused_before_anything_starts()
    {
        var suite = new InMemorySuite();
        var e = await Assert.ThrowsAsync<SpecException>(() => TestRunner.RunAsync(
            Spec("pause-container", ("nodes.hold-all", "false")), suite,
            new RunOptions(results, 1, RunsDirectory: runs), CancellationToken.None));
        Assert.Contains("fault 'pause-container' needs nodes that can be frozen whole", e.Message);
        Assert.Contains("which toy nodes are not", e.Message);
        Assert.Equal(0, suite.Plans);
    }

    [Fact]
    public void The_spec_checks_its_fields_by_the_provider_and_names_another_providers_field_as_such()
    {
        var bad = Assert.Throws<SpecException>(() => Spec("", ("nodes.idle-seconds", "0")));
        Assert.Contains("field 'nodes.idleSeconds' must be 1..86400", bad.Message);
        var foreign = Assert.Throws<SpecException>(() => Spec("", ("nodes.isolation", "netns")));
        Assert.Contains("field 'nodes.isolation' is only for the local provider", foreign.Message);
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("""{"nodes": {"provider": "nope"}}""", "t.json"));
        Assert.Contains($"'nope' is not a node provider (known: local, ssh, docker", e.Message);
        Assert.Contains(ToyNodeKind.ProviderName, e.Message);
    }

    [Fact]
    public async Task Clean_hands_a_dead_runs_entry_to_the_provider_it_names()
    {
        var root = Directory.CreateDirectory(new ToyNodeKind().NodesRoot("dead")).FullName;
        File.WriteAllText(Path.Combine(root, "left.txt"), "left behind");
        File.WriteAllText(Path.Combine(runs, "dead.json"), $$"""
            { "RunId": "dead", "RunnerPid": 2147483000, "RunnerStartTime": 1, "RunDir": null, "NodesRoot": "{{root}}",
              "Provider": "{{ToyNodeKind.ProviderName}}", "Processes": [] }
            """);

        var actions = await Cleaner.CleanAsync(runs);

        Assert.Contains($"run dead: removed {root}", actions);
        Assert.False(Directory.Exists(root));
        Assert.Empty(Directory.GetFiles(runs));
    }

    public void Dispose()
    {
        Directory.Delete(results, recursive: true);
        Directory.Delete(runs, recursive: true);
    }
}
