using Checker.Core.Formats;
using Checker.Nodes.Hosts;
using Checker.Runner.Running;
using Checker.Runner.Spec;

using Checker.Tests;

using Checker.Runner.Nodes;

using Checker.Databases.ZooKeeper.Tests.Support;

namespace Checker.Nodes.Tests.Hosts;

/// <summary>Whole ZooKeeper runs on SSH hosts: the lab's namespaces, each with its own sshd, faulted by iptables (needs root).</summary>
[Trait("Tier", "Slow")]
[Collection("zookeeper")]
public sealed class SshRunTests : IAsyncLifetime
{
    readonly string folder = Path.Combine(Path.GetTempPath(), $"checker-lab-{Guid.NewGuid():N}");
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;
    SshLab lab = null!;

    public async Task InitializeAsync() => lab = await SshLab.UpAsync(folder, 3);

    TestSpec Spec(params (string Field, string Value)[] overrides) => SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec,
        new (string, string)[]
        {
            ("nodes.provider", "ssh"), ("nodes.hosts", string.Join(',', lab.Hosts.Select(h => h.Address))), ("nodes.user", "root"),
            ("nodes.private-key", lab.PrivateKey), ("nodes.known-hosts", lab.KnownHosts),
        }.Concat(overrides).Select(o => KeyValuePair.Create(o.Item1, o.Item2)));

    [NeedsFact(Needs.Root)]
    public async Task A_run_over_ssh_with_partitions_kills_and_pauses_is_valid_keeps_node_logs_and_leaves_no_rule()
    {
        var spec = Spec(("time-limit", "24"), ("nemesis.faults", "partition-isolate-leader,kill-random,pause-random,partition-one-way,loss"),
            ("nemesis.interval", "6"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"), ("rate", "100"));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 21), CancellationToken.None);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var history = HistoryFile.Load(outcome.Folder.History);
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-partition");
        foreach (var n in new[] { "n1", "n2", "n3" })
            Assert.True(File.Exists(Path.Combine(outcome.Folder.NodeLogs, n, "zookeeper.log")), $"no log of {n}");
        var resultsJson = File.ReadAllText(outcome.Folder.Results);
        Assert.Contains("\"network\": \"iptables\"", resultsJson);
        Assert.Contains("\"clockOffsetsMs\"", resultsJson);
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
        foreach (var host in lab.Hosts) // the chain and its jump are gone from every host
            Assert.DoesNotContain("CHECKER", (await HostCommands.RunAsync(["ip", "netns", "exec", host.Namespace, "iptables", "-S"])).Output);
    }

    [NeedsFact(Needs.Root)]
    public async Task Slow_is_refused_before_the_database_starts_where_the_kernel_has_no_netem()
    {
        var spec = Spec(("time-limit", "5"), ("nemesis.faults", "slow"));
        var e = await Assert.ThrowsAsync<SpecException>(() => TestRunner.RunAsync(spec, new RunOptions(results, 22), CancellationToken.None));
        Assert.Contains("'slow'", e.Message);
        Assert.Contains("delay packets", e.Message);
    }

    [NeedsFact(Needs.Root)]
    public async Task An_isolated_leader_loses_its_quorum_through_iptables_another_leads_and_it_rejoins_after_the_heal()
    {
        var spec = Spec();
        var root = $"/tmp/checker-isolate-{Guid.NewGuid():N}";
        await using var nodes = await Checker.Nodes.Ssh.SshNodeProvider.ConnectAsync(Checker.Nodes.Ssh.SshNodeKind.OptionsOf(spec.Nodes, root), CancellationToken.None);
        await using var network = await Checker.Runner.Net.Networks.StartAsync(spec, nodes, new Checker.Databases.ZooKeeper.ZooKeeperSuite().PeerPorts, CancellationToken.None);
        await IsolatedLeaderScenario.RunAsync(nodes, network, $"isolate-{Environment.ProcessId}");
    }

    [NeedsFact(Needs.Root)]
    public async Task A_candidate_tarball_is_uploaded_to_each_node_and_is_what_the_servers_run()
    {
        // A release in Apache's layout (lib/*.jar, conf/), made from Debian's jars.
        var release = Directory.CreateDirectory(Path.Combine(results, "apache-zookeeper-9.9.9-bin")).FullName;
        Directory.CreateDirectory(Path.Combine(release, "conf"));
        var lib = Directory.CreateDirectory(Path.Combine(release, "lib")).FullName;
        foreach (var jar in Checker.Databases.ZooKeeper.ZooKeeperInstall.RequiredJars)
            File.Copy(Path.Combine(Checker.Databases.ZooKeeper.ZooKeeperInstall.DebianJars, jar), Path.Combine(lib, jar.Replace("zookeeper.jar", "zookeeper-9.9.9.jar")));
        var tarball = Path.Combine(results, "apache-zookeeper-9.9.9-bin.tar.gz");
        Assert.Equal(0, (await HostCommands.RunAsync(["tar", "-czf", tarball, "-C", results, "apache-zookeeper-9.9.9-bin"])).ExitCode);

        var spec = Spec(("time-limit", "4"), ("nemesis.faults", ""), ("db.install", tarball), ("recovery.final-reads", "0"));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 23), CancellationToken.None);
        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        foreach (var n in new[] { "n1", "n2", "n3" })
        {
            var log = File.ReadAllText(Path.Combine(outcome.Folder.NodeLogs, n, "zookeeper.log"));
            Assert.Matches($@"java\.class\.path=[^\n]*/checker-{outcome.Folder.RunId}/{n}/install/unpacked/apache-zookeeper-9\.9\.9-bin/lib/zookeeper-9\.9\.9\.jar", log);
        }
    }

    public async Task DisposeAsync()
    {
        await SshLab.DownAsync(folder);
        Directory.Delete(results, recursive: true);
    }
}
