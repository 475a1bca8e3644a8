using Checker.Core.Formats;
using Checker.Nodes.Hosts;
using Checker.Runner.Nodes;
using Checker.Nodes.Docker;
using Checker.Runner.Running;
using Checker.Runner.Spec;

using Checker.Tests;

using Checker.Databases.ZooKeeper.Tests.Support;

namespace Checker.Nodes.Tests.Docker;

/// <summary>Whole ZooKeeper and etcd runs on Docker nodes, faulted by iptables in each container's namespace (needs root).</summary>
[Trait("Tier", "Slow")]
[Collection("docker")]
public sealed class DockerRunTests(DockerFixture docker) : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    static TestSpec Spec(params (string Field, string Value)[] overrides) => Spec(Checker.Tests.RepositoryPaths.DefaultSpec, overrides);

    static TestSpec Spec(string file, params (string Field, string Value)[] overrides) => SpecLoader.Load(file,
        new (string, string)[] { ("nodes.provider", "docker") }.Concat(overrides).Select(o => KeyValuePair.Create(o.Item1, o.Item2)));

    /// <summary>Every teardown step worked, and nothing of the run is left: no container, veth, bridge or FORWARD rule.</summary>
    async Task AssertNothingLeftAsync(RunOutcome outcome)
    {
        Assert.DoesNotContain("teardown: ", File.ReadAllText(outcome.Folder.Log));
        var root = Path.Combine("/tmp", $"checker-{outcome.Folder.RunId}");
        Assert.DoesNotContain(docker.Daemon.ContainerNames(), c => c.StartsWith(DockerNodeProvider.RunLabelOf(root)[..20], StringComparison.Ordinal));
        Assert.DoesNotContain(NetnsNodeProvider.PrefixOf(root) + "-", (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
        Assert.DoesNotContain($"checker:{NetnsNodeProvider.PrefixOf(root)}", await HostCommands.MustAsync(["iptables-save"])); // the bridge's FORWARD rule, if it needed one
    }

    [NeedsFact(Needs.Root)]
    public async Task A_run_in_docker_with_partitions_kills_and_pauses_is_valid_keeps_each_nodes_log_and_leaves_nothing()
    {
        var spec = Spec(("time-limit", "20"), ("nemesis.faults", "partition-isolate-leader,kill-random,pause-random,pause-container,partition-one-way"),
            ("nemesis.interval", "5"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 65), CancellationToken.None);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var history = HistoryFile.Load(outcome.Folder.History);
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-partition");
        // This seed draws pause-container, partition-one-way, kill-random, pause-random, in that order.
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-kill");
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-pause");
        Assert.Contains("nemesis: pause-container", File.ReadAllText(outcome.Folder.Log));
        foreach (var n in new[] { "n1", "n2", "n3" })
        {
            var log = Path.Combine(outcome.Folder.NodeLogs, n, "zookeeper.log");
            Assert.True(File.Exists(log), $"no log of {n}");
            Assert.Contains("QuorumPeer", File.ReadAllText(log)); // the server's own log, copied out of its container
            Assert.Contains($"server.{n[1..]}=", File.ReadAllText(Path.Combine(outcome.Folder.NodeLogs, n, "zoo.cfg")));
        }
        var resultsJson = File.ReadAllText(outcome.Folder.Results);
        Assert.Contains("\"nodes\": \"docker\"", resultsJson);
        Assert.Contains("\"network\": \"iptables\"", resultsJson);
        await AssertNothingLeftAsync(outcome);
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
    }

    [NeedsFact(Needs.Root)]
    public async Task An_etcd_run_in_docker_with_partitions_kills_and_a_frozen_container_is_valid_and_keeps_each_members_log()
    {
        var spec = Spec(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-register.json"), ("time-limit", "16"),
            ("nemesis.faults", "partition-isolate-leader,kill-random,pause-container"), ("nemesis.interval", "4"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 14), CancellationToken.None);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var history = HistoryFile.Load(outcome.Folder.History);
        // This seed draws partition-isolate-leader, pause-container, kill-random, in that order.
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-partition");
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-kill");
        Assert.Contains("nemesis: pause-container", File.ReadAllText(outcome.Folder.Log));
        foreach (var n in new[] { "n1", "n2", "n3" })
            Assert.Contains("raft", File.ReadAllText(Path.Combine(outcome.Folder.NodeLogs, n, "etcd.log"))); // the member's own log, out of its container
        Assert.Contains("\"nodes\": \"docker\"", File.ReadAllText(outcome.Folder.Results));
        await AssertNothingLeftAsync(outcome);
    }

    [NeedsFact(Needs.Root)]
    public async Task An_isolated_leader_loses_its_quorum_another_leads_and_it_rejoins_after_the_heal()
    {
        var spec = Spec();
        var root = $"/tmp/checker-dockerisolate-{Guid.NewGuid():N}"[..40];
        await using var nodes = await DockerNodeProvider.CreateAsync(new DockerNodeOptions(3, root), null, _ => { }, CancellationToken.None);
        await using var network = await Checker.Runner.Net.Networks.StartAsync(spec, nodes, new Checker.Databases.ZooKeeper.ZooKeeperSuite().PeerPorts, CancellationToken.None);
        await IsolatedLeaderScenario.RunAsync(nodes, network, $"dockerisolate-{Environment.ProcessId}");
    }

    [NeedsFact(Needs.Root)]
    public async Task The_node_image_is_built_once_then_reused_and_a_fresh_daemon_imports_it_from_the_cache()
    {
        Assert.Contains(docker.FirstImage, new[] { ImageSource.Imported, ImageSource.Built }); // the fixture's daemon started empty
        var lines = new List<string>();
        Assert.Equal(ImageSource.Present, await NodeImage.EnsureAsync(docker.Client, docker.Recipe, NodeImage.CacheDirectory, lines.Add, CancellationToken.None));
        Assert.Empty(lines); // nothing built, nothing imported
        Assert.False(await NodeImage.RootfsAsync(docker.Recipe, NodeImage.CacheDirectory, lines.Add, CancellationToken.None)); // the cached root filesystem is kept

        // A second, fresh daemon (as each test run and each CI run starts) gets the image from the cache, without mmdebstrap.
        using var fresh = Checker.Tests.TestDockerd.Start();
        using var client = await DockerDaemon.ConnectAsync(fresh.Endpoint, CancellationToken.None);
        Assert.Equal(ImageSource.Imported, await NodeImage.EnsureAsync(client, docker.Recipe, NodeImage.CacheDirectory, lines.Add, CancellationToken.None));
        Assert.DoesNotContain(lines, l => l.Contains("mmdebstrap"));
        var first = await docker.Client.Images.InspectImageAsync(docker.Recipe.Tag);
        var second = await client.Images.InspectImageAsync(docker.Recipe.Tag);
        Assert.Equal(first.RootFS.Layers, second.RootFS.Layers); // the same root filesystem
        Assert.Equal(docker.Recipe.Hash, second.Config.Labels["checker.recipe"]);
    }

    [NeedsFact(Needs.Root)]
    public async Task The_tests_dockerd_leaves_the_hosts_iptables_as_it_found_them()
    {
        var before = await IptablesAsync();
        using (var daemon = Checker.Tests.TestDockerd.Start())
            Assert.Equal("OK", daemon.Request(HttpMethod.Get, "/_ping"));
        Assert.Equal(before, await IptablesAsync());
    }

    /// <summary>The host's rules without counters, and without the per-run bridge rules other tests add and remove meanwhile.</summary>
    static async Task<string> IptablesAsync()
    {
        var rules = (await HostCommands.MustAsync(["iptables-save"])).Split('\n')
            .Where(l => !l.StartsWith('#') && !l.Contains("checker:ck"))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\[\d+:\d+\]", ""));
        return string.Join('\n', rules);
    }

    public void Dispose() => Directory.Delete(results, recursive: true);
}
