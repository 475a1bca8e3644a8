using Checker.Core.Formats;
using Checker.Nodes.Hosts;
using Checker.Runner.Running;
using Checker.Runner.Spec;

using Checker.Tests;

using Checker.Runner.Nodes;

using Checker.Databases.ZooKeeper.Tests.Support;

namespace Checker.Nodes.Tests.Hosts;

/// <summary>Local nodes in network namespaces of their own, faulted by iptables (needs root).</summary>
[Trait("Tier", "Slow")]
[Collection("zookeeper")]
public sealed class NetnsRunTests : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    [NeedsFact(Needs.Root)]
    public async Task A_run_with_netns_isolation_is_valid_and_leaves_no_namespace_bridge_or_rule()
    {
        var spec = SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec,
            new (string, string)[]
            {
                ("nodes.isolation", "netns"), ("time-limit", "16"), ("nemesis.faults", "partition-isolate-leader,partition-one-way,crash,loss"),
                ("nemesis.interval", "5"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"),
            }.Select(o => KeyValuePair.Create(o.Item1, o.Item2)));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 31), CancellationToken.None);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        Assert.Contains("\"network\": \"iptables\"", File.ReadAllText(outcome.Folder.Results));
        Assert.Contains(HistoryFile.Load(outcome.Folder.History), o => o.IsNemesis && o.F is "start-partition" or "start-crash" or "start-loss");
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
        Assert.DoesNotContain("teardown: ", File.ReadAllText(outcome.Folder.Log)); // every teardown step worked
        // Nothing of this run's is left: no bridge, veth or namespace with its names (other tests may have their own).
        var prefix = Checker.Nodes.NetnsNodeProvider.PrefixOf(Path.Combine(Path.GetTempPath(), $"checker-{outcome.Folder.RunId}"));
        Assert.DoesNotContain(prefix + "-", (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
        Assert.DoesNotContain(prefix + "-", (await HostCommands.RunAsync(["ip", "netns", "list"])).Output);
        var subnet = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(outcome.Folder.Log), @"netns nodes n1=127\.(\d+)\.1\.1").Groups[1].Value;
        Assert.NotEqual("", subnet);
        Assert.DoesNotContain($"127.{subnet}.1.254/", (await HostCommands.RunAsync(["ip", "-o", "addr"])).Output); // the bridge's address is gone
    }

    static TestSpec DefaultSpec(params (string Field, string Value)[] overrides) =>
        SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec,
            overrides.Select(o => KeyValuePair.Create(o.Field, o.Value)));

    [NeedsFact(Needs.Root)]
    public async Task The_shipped_default_test_runs_on_netns_nodes_with_the_default_faults_their_network_can_do()
    {
        // The shipped spec's faults as they are ("default"): only the pace is changed, for a short run.
        var spec = DefaultSpec(("nodes.isolation", "netns"), ("time-limit", "14"), ("nemesis.interval", "4"),
            ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"));
        Assert.Equal([Checker.Runner.Faults.FaultTable.Default], spec.Nemesis.Faults);
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 32), CancellationToken.None);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var drawn = SpecLoader.Load(outcome.Folder.Spec).Nemesis.Faults; // spec.json holds the faults the run drew from
        Assert.NotEmpty(drawn);
        Assert.All(drawn, f => Assert.Contains(f, Checker.Runner.Faults.FaultTable.DefaultFaults));
        var log = File.ReadAllText(outcome.Folder.Log);
        foreach (var missing in Checker.Runner.Faults.FaultTable.DefaultFaults.Except(drawn)) // each one left out is logged with why
            Assert.Contains($"left out of the default faults: fault '{missing}' needs", log);
        Assert.Contains(HistoryFile.Load(outcome.Folder.History),
            o => o.IsNemesis && o.F.StartsWith("start-", StringComparison.Ordinal));
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
    }

    [NeedsFact(Needs.Root)]
    public async Task A_fault_named_by_itself_that_the_kernel_cannot_do_is_refused_and_leaves_no_run_folder()
    {
        // An earlier run's folder, which latest points at: the refused run must leave both as they were.
        var testDir = Directory.CreateDirectory(Path.Combine(results, "zookeeper-register")).FullName;
        Directory.CreateDirectory(Path.Combine(testDir, "20260101T000000"));
        File.CreateSymbolicLink(Path.Combine(testDir, "latest"), "20260101T000000");
        // This kernel has no tc netem (as the SSH lab's tests also find), which only the network's probe learns.
        var spec = DefaultSpec(("nodes.isolation", "netns"), ("time-limit", "5"), ("nemesis.faults", "slow"));
        var e = await Assert.ThrowsAsync<SpecException>(
            () => TestRunner.RunAsync(spec, new RunOptions(results, 33), CancellationToken.None));

        Assert.Contains("'slow'", e.Message);
        Assert.Null(TestRunner.FolderOf(e));
        Assert.Equal(["20260101T000000", "latest"],
            Directory.GetFileSystemEntries(testDir).Select(Path.GetFileName).Order());
        Assert.Equal("20260101T000000", new FileInfo(Path.Combine(testDir, "latest")).LinkTarget);

        // Into a results folder that is not there yet: it is not made either.
        var fresh = Path.Combine(results, "fresh", "results");
        await Assert.ThrowsAsync<SpecException>(
            () => TestRunner.RunAsync(spec, new RunOptions(fresh, 34), CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(results, "fresh")));
    }

    public void Dispose() => Directory.Delete(results, recursive: true);
}
