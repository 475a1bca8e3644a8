using Checker.ZooKeeper.Tests.Infrastructure;

namespace Checker.ZooKeeper.Tests;

[Trait("Tier", "Integration")] // a real ZooKeeper server (a JVM)
[Collection(SingleServerCollection.Name)]
public class SingleServerTests(SingleServerFixture zk)
{
    private Task<ZooKeeperClient> Connect(int _) => zk.ConnectAsync();

    [Fact] public Task Basic_crud() => OperationScenarios.BasicCrudAsync(Connect);
    [Fact] public Task Compare_and_set() => OperationScenarios.CompareAndSetAsync(Connect);
    [Fact] public Task Sequential_and_ephemeral() => OperationScenarios.SequentialAndEphemeralAsync(Connect);
    [Fact] public Task Multi() => OperationScenarios.MultiAsync(Connect);
    [Fact] public Task Pipelined_in_order() => OperationScenarios.PipelinedInOrderAsync(Connect);

    [Fact]
    public async Task Handshake_reports_negotiated_session()
    {
        await using var client = await zk.ConnectAsync(new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(60) });
        Assert.True(client.IsConnected);
        Assert.NotEqual(0, client.SessionId);
        Assert.Equal(16, client.SessionPassword.Length);
        Assert.Equal(TimeSpan.FromSeconds(10), client.NegotiatedSessionTimeout);   // clamped to 20 ticks of 500 ms
        Assert.False(client.IsReadOnly);
    }

    [Fact]
    public async Task Session_outlives_its_timeout_thanks_to_pings()
    {
        // Long enough that a loaded machine still pings in time (every third of it), short enough to outlive thrice.
        await using var client = await zk.ConnectAsync(new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(3) });
        Assert.Equal(TimeSpan.FromSeconds(3), client.NegotiatedSessionTimeout);
        var node = await client.CreateAsync("/ping-", [], CreateMode.EphemeralSequential);
        await Task.Delay(TimeSpan.FromSeconds(9));   // three session timeouts with no requests of ours
        Assert.True(client.IsConnected, client.DisconnectReason?.Message);
        Assert.Equal(client.SessionId, (await client.ExistsAsync(node))!.EphemeralOwner);
    }

    [Fact]
    public async Task Resumed_session_keeps_its_ephemerals_and_wrong_password_is_refused()
    {
        await using var first = await zk.ConnectAsync();
        var node = await first.CreateAsync("/resume-", [], CreateMode.EphemeralSequential);

        await using var second = await zk.ConnectAsync(new ZooKeeperClientOptions
        {
            SessionId = first.SessionId, SessionPassword = first.SessionPassword, LastZxidSeen = first.LastZxid,
        });
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Equal(first.SessionId, (await second.ExistsAsync(node))!.EphemeralOwner);

        await second.CloseAsync();   // closeSession: the session itself ends, not just the connection
        await Assert.ThrowsAsync<SessionExpiredException>(() => zk.ConnectAsync(new ZooKeeperClientOptions
        {
            SessionId = first.SessionId, SessionPassword = first.SessionPassword,
        }));

        // A wrong password is refused like an expired session. (ZooKeeper 3.8 also drops the
        // session's live connection when this happens, so use a throwaway session.)
        var victim = await zk.ConnectAsync();
        var wrong = victim.SessionPassword;
        wrong[0] ^= 0xff;
        await Assert.ThrowsAsync<SessionExpiredException>(() => zk.ConnectAsync(new ZooKeeperClientOptions { SessionId = victim.SessionId, SessionPassword = wrong }));
        await victim.DisposeAsync();
    }

    [Fact]
    public async Task Watch_notification_on_the_wire_does_not_break_the_reader()
    {
        await using var watcher = await zk.ConnectAsync();
        await using var writer = await zk.ConnectAsync();
        var node = await writer.CreateAsync("/watched-", [], CreateMode.PersistentSequential);

        // The public API never sets watches; ask for one through the raw path so the server pushes xid -1.
        var reply = await watcher.SendRawAsync(Protocol.OpCode.GetData, w => new Protocol.PathWatchRequest(node, true).Write(w));
        Assert.Equal(0, reply.Header.Err);
        await writer.SetDataAsync(node, [1]);

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (watcher.NotificationsReceived == 0) await Task.Delay(20, guard.Token);
        Assert.Equal(1, watcher.NotificationsReceived);
        Assert.Equal(new byte[] { 1 }, (await watcher.GetDataAsync(node)).Data);
        Assert.True(watcher.IsConnected);
    }
}
