using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Net;

using Checker.Nodes.Net;

namespace Checker.Nodes.Tests;

/// <summary>The fault proxy over real loopback sockets: a server behind it, a client in front.</summary>
public sealed class ProxyTests : IAsyncLifetime
{
    readonly Socket serverListener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    readonly List<Socket> accepted = [];
    FaultProxy proxy = null!;
    Handshake? handshake;

    public Task InitializeAsync()
    {
        serverListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        serverListener.Listen();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket s;
                try { s = await serverListener.AcceptAsync(); }
                catch (Exception) { return; }
                lock (accepted) accepted.Add(s);
                _ = EchoAsync(s);
            }
        });
        return Task.CompletedTask;
    }

    async Task EchoAsync(Socket s)
    {
        var buf = new byte[4096];
        try
        {
            while (await s.ReceiveAsync(buf) is var n and > 0) await s.SendAsync(buf.AsMemory(0, n));
        }
        catch (Exception) { }
    }

    FaultProxy StartProxy()
    {
        proxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, 0), (IPEndPoint)serverListener.LocalEndPoint!, handshake);
        proxy.Start();
        return proxy;
    }

    async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(proxy.Listen);
        return s;
    }

    static async Task<string?> ReceiveAsync(Socket s, int length, TimeSpan within)
    {
        var buf = new byte[length];
        var got = 0;
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (got < length)
            {
                var n = await s.ReceiveAsync(buf.AsMemory(got), SocketFlags.None, cts.Token);
                if (n == 0) return got == 0 ? null : Encoding.ASCII.GetString(buf, 0, got);
                got += n;
            }
            return Encoding.ASCII.GetString(buf);
        }
        catch (OperationCanceledException) { return got == 0 ? "" : Encoding.ASCII.GetString(buf, 0, got); }
        catch (SocketException) { return null; }
    }

    static async Task Send(Socket s, string text) => await s.SendAsync(Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task Healthy_link_passes_bytes_both_ways()
    {
        StartProxy();
        using var c = await ConnectAsync();
        await Send(c, "hello");
        Assert.Equal("hello", await ReceiveAsync(c, 5, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Drop_refuses_new_connections_resets_one_that_sends_across_the_cut_and_heals()
    {
        StartProxy();
        using var open = await ConnectAsync();
        await Send(open, "a");
        Assert.Equal("a", await ReceiveAsync(open, 1, TimeSpan.FromSeconds(5)));

        proxy.Set(LinkFault.Drop, LinkFault.Drop);
        var refused = await Assert.ThrowsAsync<SocketException>(ConnectAsync); // as REJECT --reject-with tcp-reset
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await Send(open, "b"); // the first packet across the cut is answered with a reset
        Assert.Null(await ReceiveAsync(open, 1, TimeSpan.FromSeconds(5)));

        proxy.Set(LinkFault.None, LinkFault.None);
        using var again = await ConnectAsync();
        await Send(again, "c");
        Assert.Equal("c", await ReceiveAsync(again, 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_connect_to_a_target_that_no_longer_listens_is_refused_not_accepted_and_reset()
    {
        StartProxy();
        using (var c = await ConnectAsync()) { }
        serverListener.Dispose();
        SocketException? refused = null;
        for (var i = 0; i < 100 && refused is null; i++) // the proxy notices within a few milliseconds
        {
            try { using var c = await ConnectAsync(); await Task.Delay(50); }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused) { refused = e; }
            catch (SocketException) { } // within the few milliseconds before the proxy sees the death: accepted, then reset (the README says so)
        }
        Assert.Equal(SocketError.ConnectionRefused, refused?.SocketErrorCode);
    }

    [Fact]
    public async Task Blackhole_holds_without_closing_new_connects_do_not_complete_and_heal_delivers_on_retransmission()
    {
        StartProxy();
        using var c = await ConnectAsync();
        await Send(c, "x");
        Assert.Equal("x", await ReceiveAsync(c, 1, TimeSpan.FromSeconds(5)));

        proxy.Set(LinkFault.Blackhole, LinkFault.Blackhole);
        await Send(c, "held");
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connecting = late.ConnectAsync(proxy.Listen);
        Assert.Equal("", await ReceiveAsync(c, 4, TimeSpan.FromMilliseconds(1000))); // nothing, and not closed
        Assert.False(connecting.IsCompleted, "a connect completed during a blackhole: a real DROP loses the SYN");

        proxy.Set(LinkFault.None, LinkFault.None);
        Assert.Equal("held", await ReceiveAsync(c, 4, TimeSpan.FromSeconds(10)));
        await connecting.WaitAsync(TimeSpan.FromSeconds(20)); // the SYN's retransmission gets through
        await Send(late, "late");
        Assert.Equal("late", await ReceiveAsync(late, 4, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_connection_its_sender_closed_during_a_blackhole_delivers_nothing_at_heal()
    {
        StartProxy();
        var c = await ConnectAsync();
        await Send(c, "x");
        Assert.Equal("x", await ReceiveAsync(c, 1, TimeSpan.FromSeconds(5)));
        Socket server;
        lock (accepted) server = accepted.Single();

        proxy.Set(LinkFault.Blackhole, LinkFault.Blackhole);
        c.Dispose();
        await Task.Delay(300);
        proxy.Set(LinkFault.None, LinkFault.None);
        Assert.Null(await ReceiveAsync(server, 1, TimeSpan.FromSeconds(5))); // closed, with no byte delivered
    }

    [Fact]
    public async Task One_way_cut_stalls_the_forward_direction_and_the_backward_one_passes_little_without_acks()
    {
        StartProxy();
        using var c = await ConnectAsync();
        await Send(c, "1");
        Assert.Equal("1", await ReceiveAsync(c, 1, TimeSpan.FromSeconds(5)));
        Socket server;
        lock (accepted) server = accepted.Single();

        proxy.Set(LinkFault.Blackhole, LinkFault.None);
        await Send(server, "from-server");
        Assert.Equal("from-server", await ReceiveAsync(c, 11, TimeSpan.FromSeconds(5)));
        await Send(c, "2");
        Assert.Equal("", await ReceiveAsync(c, 1, TimeSpan.FromMilliseconds(500))); // the server never saw it to echo it

        // Much more than a window from the server: only about a window reaches the client while its ACKs cannot return.
        var big = new byte[512 * 1024];
        var sending = server.SendAsync(big);
        var got = 0;
        var buf = new byte[64 * 1024];
        using (var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try { while (true) got += await c.ReceiveAsync(buf, SocketFlags.None, quiet.Token); }
            catch (OperationCanceledException) { }
        }
        Assert.InRange(got, 1, 4 * FaultProxy.WindowWithoutAcks);
        proxy.Set(LinkFault.None, LinkFault.None);
        await sending.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Delay_holds_each_chunk_back_but_keeps_order()
    {
        StartProxy();
        using var c = await ConnectAsync();
        proxy.Set(LinkFault.Delay(150, 50), LinkFault.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var ch in "abcdef") await Send(c, ch.ToString());
        Assert.Equal("abcdef", await ReceiveAsync(c, 6, TimeSpan.FromSeconds(5)));
        Assert.True(clock.ElapsedMilliseconds >= 100, $"echo came back after {clock.ElapsedMilliseconds} ms, before the delay");
    }

    [Fact]
    public async Task Election_handshake_advertises_the_reverse_proxy_and_passes_the_rest()
    {
        handshake = ElectionHandshake.Rewrite("127.9.2.1:3888");
        StartProxy();
        using var c = await ConnectAsync();
        var own = Encoding.ASCII.GetBytes("127.9.0.1:3888");
        var message = new byte[20 + own.Length];
        BinaryPrimitives.WriteInt64BigEndian(message, -65536L);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(16), own.Length);
        own.CopyTo(message, 20);
        await c.SendAsync(message);
        await Send(c, "vote");
        var expected = "127.9.2.1:3888";
        var echoed = new byte[20 + expected.Length + 4];
        var got = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (got < echoed.Length) got += await c.ReceiveAsync(echoed.AsMemory(got), SocketFlags.None, cts.Token);
        Assert.Equal(-65536L, BinaryPrimitives.ReadInt64BigEndian(echoed));
        Assert.Equal(1L, BinaryPrimitives.ReadInt64BigEndian(echoed.AsSpan(8)));
        Assert.Equal(expected.Length, BinaryPrimitives.ReadInt32BigEndian(echoed.AsSpan(16)));
        Assert.Equal(expected + "vote", Encoding.ASCII.GetString(echoed, 20, expected.Length + 4));
    }

    public async Task DisposeAsync()
    {
        if (proxy is not null) await proxy.DisposeAsync();
        serverListener.Dispose();
        lock (accepted) foreach (var s in accepted) s.Dispose();
    }
}
