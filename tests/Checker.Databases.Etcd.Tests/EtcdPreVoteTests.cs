using Checker.Databases.Etcd;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Etcdserverpb;
using Grpc.Core;
using Xunit.Abstractions;

namespace Checker.Databases.Etcd.Tests;

/// <summary>
/// A follower cut off from its peers stands for election again and again; what happens when it comes back
/// depends on etcd's --pre-vote. With it (how Checker runs etcd), the follower never raised its term and
/// rejoins under the working leader; without it (etcd 3.4's default), its raised term unseats the leader.
/// </summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdPreVoteTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_follower_back_from_isolation_unseats_the_leader_only_without_pre_vote(bool preVote)
    {
        await using var cluster = await LocalEtcdCluster.StartAsync(3, new EtcdSettings { PreVote = preVote });
        var leader = await cluster.Db.FindPrimaryAsync(default);
        Assert.NotNull(leader);
        var termBefore = (await StatusAsync(cluster, leader)).RaftTerm;
        var follower = cluster.Nodes.First(n => n != leader);
        var logPath = Path.Combine(follower.Directory, EtcdDb.LogName);
        var electionsBefore = CountElections(logPath);

        var others = cluster.Nodes.Where(n => n != follower).Select(n => n.Name);
        await cluster.Network.PartitionAsync(Grudge.Between([follower.Name], others), PartitionMode.Drop, default);
        // Cut off until it has stood at least three times (each stand raises the term without pre-vote).
        await UntilAsync(() => Task.FromResult(CountElections(logPath) >= electionsBefore + 3),
            "the isolated follower to stand three times");
        await cluster.Network.HealAsync(default);
        // Back once it serves a linearizable read: it follows a leader the whole cluster agrees on.
        await UntilAsync(async () => await ServesAsync(cluster, follower), "the follower to serve again");

        var after = await StatusAsync(cluster, follower);
        var leaderAfter = cluster.Nodes.First(n => StatusAsync(cluster, n).Result.Header.MemberId == after.Leader);
        output.WriteLine($"pre-vote {preVote}: leader {leader} at term {termBefore}, " +
                         $"after the heal {leaderAfter} at term {after.RaftTerm}");
        if (preVote)
        {
            Assert.Equal(termBefore, after.RaftTerm);
            Assert.Equal(leader, leaderAfter);
        }
        else
            Assert.True(after.RaftTerm > termBefore + 1,
                $"term {termBefore} -> {after.RaftTerm}: the rejoin should have forced an election");
    }

    /// <summary>How often the member began an election or a pre-vote, as its log says.</summary>
    static int CountElections(string logPath) =>
        File.ReadLines(logPath).Count(l => l.Contains("is starting a new election", StringComparison.Ordinal));

    static async Task<StatusResponse> StatusAsync(LocalEtcdCluster cluster, Node node)
    {
        var (host, port) = cluster.Endpoint(node);
        using var channel = new EtcdChannel(host, port, TimeSpan.FromSeconds(2));
        return await channel.Client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
    }

    static async Task<bool> ServesAsync(LocalEtcdCluster cluster, Node node)
    {
        var (host, port) = cluster.Endpoint(node);
        using var channel = new EtcdChannel(host, port, TimeSpan.FromSeconds(2));
        try
        {
            var probe = new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("pre-vote-probe") };
            await channel.Client.GetAsync(probe, deadline: DateTime.UtcNow.AddSeconds(2));
            return true;
        }
        catch (RpcException) { return false; }
    }

    /// <summary>Waits for a condition however slow the machine; a minute without it fails, naming it.</summary>
    static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, $"waited a minute for {what}");
            await Task.Delay(100);
        }
    }
}
