using System.Diagnostics;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

using Checker.Nodes;

namespace Checker.Databases.ZooKeeper.Tests;

/// <summary>The ZooKeeper ensemble on local nodes behind the proxy network.</summary>
[Collection("zookeeper")]
[Trait("Tier", "Slow")]
public sealed class EnsembleTests
{
    [Fact]
    public async Task Peers_talk_only_through_the_proxies_and_an_isolated_leader_is_replaced()
    {
        var root = Path.Combine(Path.GetTempPath(), $"checker-ensemble-{Guid.NewGuid():N}");
        var provider = LocalNodeProvider.Create(3, root);
        var suite = new ZooKeeperSuite();
        var network = await Networks.StartAsync(new TestSpec(), provider, suite.PeerPorts, CancellationToken.None);
        var db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, provider, network, $"ensemble-test-{Environment.ProcessId}", _ => { });
        try
        {
            await db.SetupAsync(CancellationToken.None);
            var nodeAddresses = provider.Nodes.Select(n => n.Address).ToHashSet();
            var direct = PeerConnections().Where(c => nodeAddresses.Contains(c.Remote.Split(':')[0])).ToList();
            Assert.True(direct.Count == 0, "servers connected to each other directly: " + string.Join(", ", direct));

            var leader = (await db.FindPrimaryAsync(CancellationToken.None))!;
            await network.PartitionAsync(Partitions.Isolate(provider.Nodes.Select(n => n.Name).ToList(), leader.Name), PartitionMode.Drop, CancellationToken.None);
            Node? next = null;
            for (var i = 0; i < 150 && (next is null || next == leader); i++)
            {
                await Task.Delay(200);
                next = await db.FindPrimaryAsync(CancellationToken.None);
            }
            Assert.NotNull(next);
            Assert.NotEqual(leader, next);
            // The majority may elect before the old leader notices: it steps down once a sync limit of ticks passes
            // without a quorum of acks. Until then it cannot commit; after it, it must not claim to lead.
            var mode = "leader";
            for (var i = 0; i < 150 && mode == "leader"; i++)
            {
                mode = await ZooKeeperFourLetterWords.ModeAsync(leader.Address, ZooKeeperDb.ClientPort);
                if (mode == "leader") await Task.Delay(200);
            }
            Assert.NotEqual("leader", mode);

            await network.HealAsync(CancellationToken.None);
            await db.WaitForQuorumAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        finally
        {
            await db.TeardownAsync();
            await network.DisposeAsync();
            await provider.TeardownAsync();
        }
        Assert.False(Directory.Exists(root));
    }

    /// <summary>Established TCP connections of java processes to the peer ports (2888, 3888), from `ss`.</summary>
    static List<(string Local, string Remote)> PeerConnections()
    {
        var psi = new ProcessStartInfo("ss", "-Htnp state established") { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        return lines.Where(l => l.Contains("\"java\""))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (Local: f[2], Remote: f[3]))
            .Where(c => c.Remote.EndsWith(":2888") || c.Remote.EndsWith(":3888"))
            .ToList();
    }
}
