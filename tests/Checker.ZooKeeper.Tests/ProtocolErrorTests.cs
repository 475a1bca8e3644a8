using System.Text;
using Checker.ZooKeeper.Protocol;
using Checker.ZooKeeper.Tests.Infrastructure;

namespace Checker.ZooKeeper.Tests;

/// <summary>
/// Misbehaving peers: every case must end in a clear exception well before the (long) timeouts,
/// never a hang. The hang guard is a WaitAsync far shorter than the configured timeouts, so a
/// client that only gave up by timing out fails these tests.
/// </summary>
public class ProtocolErrorTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly ZooKeeperClientOptions SlowTimeouts = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(60), RequestTimeout = TimeSpan.FromSeconds(60),
    };

    private static Task<ZooKeeperClient> Connect(FakeServer server, ZooKeeperClientOptions? options = null) =>
        ZooKeeperClient.ConnectAsync(server.Host, server.Port, options ?? SlowTimeouts).WaitAsync(Guard);

    private static async Task<T> Fails<T>(Func<Task> action) where T : Exception =>
        Assert.IsType<T>(await OperationScenarios.Record(() => action().WaitAsync(Guard)));

    [Fact]
    public async Task Garbage_instead_of_handshake_is_a_protocol_error()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n"), ct);
            await Task.Delay(Timeout.Infinite, ct);   // keep the socket open: the client must not wait for more
        });
        var e = await Fails<ZooKeeperProtocolException>(() => Connect(server));
        Assert.Contains("frame length 1213486160", e.Message);   // "HTTP" read as a length
    }

    [Fact]
    public async Task Handshake_reply_too_short_for_its_record_is_a_protocol_error()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FrameReader.ReadAsync(s, 1 << 20, ct);
            await FakeServer.WriteFrameAsync(s, w => { w.WriteInt(0); w.WriteInt(4000); }, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var e = await Fails<ZooKeeperProtocolException>(() => Connect(server));
        Assert.Contains("truncated record", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, 0xff, 0xff, 0xff })]   // 2 GiB
    [InlineData(new byte[] { 0x80, 0x00, 0x00, 0x00 })]   // negative
    public async Task Absurd_reply_frame_length_fails_the_request_and_the_connection(byte[] prefix)
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FakeServer.HandshakeAsync(s, ct);
            await FakeServer.ReadRequestAsync(s, ct);
            await s.WriteAsync(prefix, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var client = await Connect(server);
        var e = await Fails<ZooKeeperProtocolException>(() => client.ExistsAsync("/x"));
        Assert.Contains("frame length", e.Message);
        Assert.False(client.IsConnected);
        Assert.IsType<ZooKeeperNotConnectedException>(await OperationScenarios.Record(() => client.ExistsAsync("/x")));
    }

    [Fact]
    public async Task Truncated_reply_frame_is_a_protocol_error()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FakeServer.HandshakeAsync(s, ct);
            await FakeServer.ReadRequestAsync(s, ct);
            await s.WriteAsync(new byte[] { 0, 0, 0, 100 }.Concat(new byte[20]).ToArray(), ct);
        });   // returning closes the socket 20 bytes into a 100-byte frame
        await using var client = await Connect(server);
        var e = await Fails<ZooKeeperProtocolException>(() => client.ExistsAsync("/x"));
        Assert.Contains("truncated frame", e.Message);
    }

    [Fact]
    public async Task Reply_body_too_short_for_its_record_fails_that_request()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FakeServer.HandshakeAsync(s, ct);
            var (header, _) = await FakeServer.ReadRequestAsync(s, ct);
            await FakeServer.WriteFrameAsync(s, w => { new ReplyHeader(header.Xid, 5, 0).Write(w); w.WriteLong(1); }, ct);   // Stat cut short
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var client = await Connect(server);
        var e = await Fails<ZooKeeperProtocolException>(() => client.ExistsAsync("/x"));
        Assert.Contains("truncated record", e.Message);
    }

    [Fact]
    public async Task Reply_out_of_order_fails_every_outstanding_request()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FakeServer.HandshakeAsync(s, ct);
            var (first, _) = await FakeServer.ReadRequestAsync(s, ct);
            await FakeServer.ReadRequestAsync(s, ct);
            await FakeServer.WriteFrameAsync(s, w => new ReplyHeader(first.Xid + 1, 5, 0).Write(w), ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var client = await Connect(server);
        var a = client.DeleteAsync("/a");
        var b = client.DeleteAsync("/b");
        Assert.Contains("out of order", (await Fails<ZooKeeperProtocolException>(() => a)).Message);
        await Fails<ZooKeeperProtocolException>(() => b);
    }

    [Fact]
    public async Task Watch_notification_between_replies_is_skipped()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FakeServer.HandshakeAsync(s, ct);
            var (header, _) = await FakeServer.ReadRequestAsync(s, ct);
            await FakeServer.WriteFrameAsync(s, w => { new ReplyHeader(Xids.Notification, -1, 0).Write(w); new WatcherEvent(3, 3, "/x").Write(w); }, ct);
            await FakeServer.WriteFrameAsync(s, w => { new ReplyHeader(header.Xid, 7, 0).Write(w); w.WriteInt(2); }, ct);   // delete reply: no body... plus junk ignored
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var client = await Connect(server);
        await client.DeleteAsync("/x").WaitAsync(Guard);
        Assert.Equal(1, client.NotificationsReceived);
        Assert.Equal(7, client.LastZxid);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Connection_closed_before_replies_makes_all_outstanding_requests_indeterminate()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FakeServer.HandshakeAsync(s, ct);
            for (int i = 0; i < 3; i++) await FakeServer.ReadRequestAsync(s, ct);
        });   // closes without answering
        await using var client = await Connect(server);
        var tasks = new[] { client.SetDataAsync("/a", [1]), client.SetDataAsync("/b", [2]), client.SetDataAsync("/c", [3]) };
        foreach (var t in tasks)
        {
            var e = await Fails<ZooKeeperIndeterminateException>(() => t);
            Assert.Equal(IndeterminateReason.ConnectionLost, e.Reason);
        }
    }

    [Fact]
    public async Task Silent_server_during_handshake_is_a_connect_timeout()
    {
        await using var server = new FakeServer((s, ct) => Task.Delay(Timeout.Infinite, ct));
        var e = await Fails<ZooKeeperConnectException>(() => Connect(server, new ZooKeeperClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) }));
        Assert.Contains("timed out", e.Message);
    }

    [Fact]
    public async Task Refused_connection_is_a_connect_exception()
    {
        var server = new FakeServer((s, ct) => Task.CompletedTask);
        int port = server.Port;
        await server.DisposeAsync();   // nothing listens there any more
        await Assert.ThrowsAsync<ZooKeeperConnectException>(() => ZooKeeperClient.ConnectAsync("127.0.0.1", port).WaitAsync(Guard));
    }

    [Fact]
    public async Task Expired_session_handshake_is_session_expired()
    {
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FrameReader.ReadAsync(s, 1 << 20, ct);
            await FakeServer.WriteFrameAsync(s, w => new ConnectResponse(0, 0, 0, new byte[16], false).Write(w), ct);
        });
        await Fails<SessionExpiredException>(() => Connect(server, new ZooKeeperClientOptions { SessionId = 42, SessionPassword = new byte[16] }));
    }

    [Fact]
    public async Task Handshake_answered_with_an_error_header_is_a_refused_session()
    {
        // What a 3.8 read-only member without local sessions sends instead of a ConnectResponse.
        await using var server = new FakeServer(async (s, ct) =>
        {
            await FrameReader.ReadAsync(s, 1 << 20, ct);
            await FakeServer.WriteFrameAsync(s, w => new ReplyHeader(0, 0x1_0000_0003, (int)ErrorCode.NotReadOnly).Write(w), ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var e = await Fails<ZooKeeperConnectException>(() => Connect(server));
        Assert.Contains("NotReadOnly", e.Message);
    }
}
