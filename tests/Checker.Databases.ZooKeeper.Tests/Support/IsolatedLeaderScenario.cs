using Checker.Databases.ZooKeeper;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;

namespace Checker.Databases.ZooKeeper.Tests.Support;

/// <summary>
/// A partition that really cuts, on any nodes and network: the ZooKeeper leader is cut off silently,
/// another node leads, the old leader's own log shows it lost its quorum (LOOKING after LEADING), and
/// after the heal all three serve again.
/// </summary>
public static class IsolatedLeaderScenario
{
    public static async Task RunAsync(INodeProvider nodes, INetwork network, string runId)
    {
        var db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, nodes, network, runId, _ => { });
        try
        {
            await db.SetupAsync(CancellationToken.None);
            var leader = (await db.FindPrimaryAsync(CancellationToken.None))!;
            await network.PartitionAsync(Checker.Runner.Faults.Partitions.Isolate(nodes.Nodes.Select(n => n.Name).ToList(), leader.Name), PartitionMode.Blackhole, CancellationToken.None);
            Node? next = null;
            for (var i = 0; i < 150 && (next is null || next == leader); i++)
            {
                await Task.Delay(200);
                next = await db.FindPrimaryAsync(CancellationToken.None);
            }
            Assert.NotNull(next);
            Assert.NotEqual(leader, next); // a new leader serves on the majority side
            // The old leader steps down a sync limit of ticks after it lost its quorum, which may be after the
            // majority elected: its own log must come to say LOOKING after its last LEADING.
            var sinceLeading = "";
            for (var i = 0; i < 150 && !sinceLeading.Contains("LOOKING"); i++)
            {
                if (i > 0) await Task.Delay(200);
                var log = (await nodes.RunAsync(leader, "cat", [$"{leader.Directory}/zookeeper.log"], CancellationToken.None)).Output;
                sinceLeading = log[Math.Max(0, log.LastIndexOf("LEADING", StringComparison.Ordinal))..];
            }
            Assert.Contains("LOOKING", sinceLeading); // the old leader lost its quorum

            await network.HealAsync(CancellationToken.None);
            await db.WaitForQuorumAsync(TimeSpan.FromSeconds(60), CancellationToken.None); // all three serve again, the old leader as a member
        }
        finally { await db.TeardownAsync(); }
    }
}
