using Checker.ZooKeeper.Tests.Infrastructure;

namespace Checker.ZooKeeper.Tests;

/// <summary>Real servers killed or frozen under the client; each test owns its server.</summary>
[Trait("Tier", "Slow")]
public class ServerFaultTests
{
    [Fact]
    public async Task Killed_server_completes_outstanding_requests_as_indeterminate_at_once()
    {
        using var cluster = await LocalZooKeeperCluster.StartAsync(1);
        var server = cluster.Servers[0];
        var options = new ZooKeeperClientOptions { RequestTimeout = TimeSpan.FromSeconds(120) };
        await using var client = await ZooKeeperClient.ConnectAsync(server.Host, server.Port, options);
        var node = await client.CreateAsync("/kill", []);

        var tasks = Enumerable.Range(0, 20_000).Select(_ => client.SetDataAsync(node, new byte[100])).ToList();
        await tasks[0];                         // the pipeline is flowing; most requests are still outstanding
        server.Kill();

        // Completion must come from the connection drop, long before the 120 s request timeout (the reasons below say so too).
        var all = Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { })));
        await all.WaitAsync(TimeSpan.FromSeconds(60));

        // In send order: acknowledged ones, then in-flight ones (indeterminate), then ones that were
        // never written because the connection was already gone (definite, not connected).
        var kinds = tasks.Select(t =>
            t.IsCompletedSuccessfully ? 0 :
            t.Exception!.InnerException is ZooKeeperIndeterminateException ie && ie.Reason == IndeterminateReason.ConnectionLost ? 1 :
            t.Exception.InnerException is ZooKeeperNotConnectedException ? 2 :
            throw new Xunit.Sdk.XunitException($"unexpected outcome {t.Exception.InnerException}")).ToList();
        Assert.True(kinds.SequenceEqual(kinds.Order()), "outcomes out of send order");
        Assert.Contains(1, kinds);
        Assert.False(client.IsConnected);
        Assert.IsType<ZooKeeperNotConnectedException>(await OperationScenarios.Record(() => client.ExistsAsync("/")));
        var versions = tasks.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.Version).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public async Task Stopped_server_times_requests_out_as_indeterminate_and_pings_detect_it()
    {
        using var cluster = await LocalZooKeeperCluster.StartAsync(1);
        var server = cluster.Servers[0];
        var options = new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(6), RequestTimeout = TimeSpan.FromSeconds(1) };
        await using var client = await ZooKeeperClient.ConnectAsync(server.Host, server.Port, options);
        var node = await client.CreateAsync("/stop", []);
        try
        {
            server.Pause();
            var timedOut = await OperationScenarios.Record(() => client.SetDataAsync(node, [1]));
            Assert.Equal(IndeterminateReason.Timeout, Assert.IsType<ZooKeeperIndeterminateException>(timedOut).Reason);

            // Nothing else is sent by us; the ping watchdog must notice the silence on its own
            // (read timeout 4 s, plus one ping interval of grace).
            await client.Disconnected.WaitAsync(TimeSpan.FromSeconds(15));
            var reason = Assert.IsType<ZooKeeperIndeterminateException>(client.DisconnectReason);
            Assert.Contains("pings unanswered", reason.Message);
            Assert.IsType<ZooKeeperNotConnectedException>(await OperationScenarios.Record(() => client.GetDataAsync(node)));
        }
        finally
        {
            server.Resume();
        }
    }
}
