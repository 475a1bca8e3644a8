using Checker.ZooKeeper.Tests.Infrastructure;

namespace Checker.ZooKeeper.Tests;

[Trait("Tier", "Slow")]
public class ReadOnlyServerTests
{
    [Fact]
    public async Task Member_without_quorum_serves_reads_only_to_clients_that_accept_it()
    {
        using var cluster = await LocalZooKeeperCluster.StartAsync(3, readOnlyMode: true);
        var survivor = cluster.Servers[0];
        string node;
        await using (var client = await ZooKeeperClient.ConnectAsync(survivor.Host, survivor.Port))
        {
            Assert.False(client.IsReadOnly);
            node = await client.CreateAsync("/ro-", [42], CreateMode.PersistentSequential);
        }

        cluster.Servers[1].Kill();
        cluster.Servers[2].Kill();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await ZooKeeperFourLetterWords.SendAsync(survivor.Host, survivor.Port, "isro")).Trim() != "ro")
            await Task.Delay(200, guard.Token);

        Assert.Equal("read-only", await ZooKeeperFourLetterWords.ModeAsync(survivor.Host, survivor.Port));
        var options = new ZooKeeperClientOptions { CanBeReadOnly = true };
        await using var ro = await ZooKeeperClient.ConnectAsync(survivor.Host, survivor.Port, options);
        Assert.True(ro.IsReadOnly);
        Assert.Equal(new byte[] { 42 }, (await ro.GetDataAsync(node)).Data);
        var write = await OperationScenarios.Record(() => ro.SetDataAsync(node, [1]));
        Assert.Equal(ErrorCode.NotReadOnly, Assert.IsAssignableFrom<ZooKeeperException>(write).Code);

        // A client that insists on read-write gets no session from a read-only server.
        await Assert.ThrowsAsync<ZooKeeperConnectException>(() => ZooKeeperClient.ConnectAsync(survivor.Host, survivor.Port));
    }
}
