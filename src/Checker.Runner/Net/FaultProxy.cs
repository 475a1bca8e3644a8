using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Checker.Runner.Net;

/// <summary>Rewrites the start of a connection (e.g. a handshake that names addresses) before the plain pumping begins.</summary>
public delegate Task Handshake(Socket from, Socket to, CancellationToken ct);

/// <summary>
/// A TCP proxy for one directed link (connections opened by one node to one port of another).
/// Forward traffic flows from the connecting node to the target, backward traffic the other way;
/// each direction has its own gate, so a one-way partition stalls only one of them.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    readonly Socket listener;
    readonly IPEndPoint target;
    readonly Handshake? handshake;
    readonly CancellationTokenSource closing = new();
    readonly ConcurrentDictionary<ProxiedConnection, byte> connections = new();
    Task acceptLoop = Task.CompletedTask;

    public IPEndPoint Listen { get; }
    public TrafficGate Forward { get; } = new();
    public TrafficGate Backward { get; } = new();

    /// <summary>Connections currently open through the proxy.</summary>
    public int OpenConnections => connections.Count;

    public FaultProxy(IPEndPoint listen, IPEndPoint target, Handshake? handshake = null)
    {
        this.target = target;
        this.handshake = handshake;
        listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(listen);
        Listen = (IPEndPoint)listener.LocalEndPoint!;
    }

    public void Start()
    {
        listener.Listen(64);
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Sets both directions' faults; a drop in either direction cuts every open connection.</summary>
    public void Set(LinkFault forward, LinkFault backward)
    {
        Forward.Set(forward);
        Backward.Set(backward);
        if (forward.Kind == LinkFaultKind.Drop || backward.Kind == LinkFaultKind.Drop)
            foreach (var c in connections.Keys) c.Reset();
    }

    async Task AcceptLoopAsync()
    {
        while (!closing.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(closing.Token); }
            catch (Exception) when (closing.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            if (Forward.Fault.Kind == LinkFaultKind.Drop || Backward.Fault.Kind == LinkFaultKind.Drop)
            {
                ProxiedConnection.ResetSocket(client);
                continue;
            }
            var c = new ProxiedConnection(client);
            connections[c] = 0;
            _ = Task.Run(async () =>
            {
                try { await ServeAsync(c); }
                finally { connections.TryRemove(c, out _); c.Reset(); }
            });
        }
    }

    async Task ServeAsync(ProxiedConnection c)
    {
        var ct = CancellationTokenSource.CreateLinkedTokenSource(closing.Token, c.Cut).Token;
        try
        {
            // A blackholed link holds the accepted connection without answering, like a lost SYN; a heal lets it through.
            await Forward.WaitOpenAsync(ct);
            await Backward.WaitOpenAsync(ct);
            await c.Server.ConnectAsync(target, ct);
            if (handshake is not null) await handshake(c.Client, c.Server, ct);
            c.Client.NoDelay = true;
            // Each direction may end cleanly on its own (half-close); a failure in either cuts both.
            async Task Pump(Socket from, Socket to, TrafficGate gate)
            {
                try { await PumpAsync(from, to, gate, ct); }
                catch (Exception) { c.Reset(); }
            }
            await Task.WhenAll(Pump(c.Client, c.Server, Forward), Pump(c.Server, c.Client, Backward));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ObjectDisposedException or ChannelClosedException) { }
    }

    /// <summary>Copies one direction: a reader that stops reading while the gate stalls, and a writer that applies delays in order.</summary>
    static async Task PumpAsync(Socket from, Socket to, TrafficGate gate, CancellationToken ct)
    {
        var queue = Channel.CreateBounded<(byte[] Data, int Length, DateTime Due)>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var (data, length, due) in queue.Reader.ReadAllAsync(ct))
            {
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                await gate.WaitOpenAsync(ct);
                await to.SendAsync(data.AsMemory(0, length), SocketFlags.None, ct);
            }
            to.Shutdown(SocketShutdown.Send);
        }, ct);
        try
        {
            while (true)
            {
                await gate.WaitOpenAsync(ct);
                var buffer = new byte[16 * 1024];
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0) break;
                await queue.Writer.WriteAsync((buffer, n, DateTime.UtcNow + gate.Fault.NextDelay()), ct);
            }
        }
        finally { queue.Writer.TryComplete(); }
        await writer;
    }

    public async ValueTask DisposeAsync()
    {
        closing.Cancel();
        listener.Dispose();
        foreach (var c in connections.Keys) c.Reset();
        try { await acceptLoop; } catch (Exception) { }
    }

    /// <summary>A client connection and the proxy's connection onward to the target.</summary>
    sealed class ProxiedConnection(Socket client)
    {
        readonly CancellationTokenSource cut = new();
        public Socket Client { get; } = client;
        public Socket Server { get; } = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        public CancellationToken Cut => cut.Token;

        public void Reset()
        {
            try { cut.Cancel(); } catch (ObjectDisposedException) { }
            ResetSocket(Client);
            ResetSocket(Server);
        }

        /// <summary>Closes with RST rather than FIN, as a refusing firewall or a dead peer would appear.</summary>
        public static void ResetSocket(Socket s)
        {
            try { s.LingerState = new LingerOption(true, 0); } catch (Exception) { }
            s.Dispose();
        }
    }
}
