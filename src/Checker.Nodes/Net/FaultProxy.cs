using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Checker.Runner.Net;

namespace Checker.Nodes.Net;

/// <summary>
/// A TCP proxy for one directed link (connections opened by one node to one port of another). Forward
/// traffic flows from the connecting node to the target, backward traffic the other way; each direction
/// has its own gate. It imitates the kernel where a user-space proxy can:
/// - it listens only while its target listens, so a connect to a dead port is refused;
/// - drop is REJECT with tcp-reset: connects are refused, and a connection is reset when data crosses the cut;
/// - blackhole is DROP: connects time out (its accept queue is kept full, so the kernel drops SYNs), nothing
///   is read from a sender (whose buffers fill and whose writes block), held data moves on at the sender's
///   next retransmission after the heal, and a connection its sender closed meanwhile delivers nothing;
/// - a one-way cut also cuts the ACKs of the other direction, so the open direction passes only about a
///   window of data before it stalls too.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    /// <summary>What a sender gets across without ACKs: about an initial congestion window on loopback.</summary>
    public const int WindowWithoutAcks = 16 * 1024;

    static readonly TimeSpan MinRto = TimeSpan.FromMilliseconds(200),
        MaxRto = TimeSpan.FromSeconds(120);

    readonly IPEndPoint target;
    readonly Handshake? handshake;
    readonly HealMode heal;
    readonly CancellationTokenSource closing = new();
    readonly ConcurrentDictionary<ProxiedConnection, byte> connections = new();
    readonly object gate = new();
    IDisposable? watch;
    Socket? listener,
        plug;
    Mode mode = Mode.Refuse;

    enum Mode
    {
        Refuse,
        Silent,
        Open,
    }

    public IPEndPoint Listen { get; }
    public TrafficGate Forward { get; } = new();
    public TrafficGate Backward { get; } = new();

    public FaultProxy(
        IPEndPoint listen,
        IPEndPoint target,
        Handshake? handshake = null,
        HealMode heal = HealMode.Retransmit
    )
    {
        this.target = target;
        this.handshake = handshake;
        this.heal = heal;
        // learns the port when 0 is asked for
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        probe.Bind(listen);
        Listen = (IPEndPoint)probe.LocalEndPoint!;
    }

    /// <summary>Starts following the target: listening while it listens.</summary>
    public void Start()
    {
        watch = ListeningSockets.Watch(Reconcile);
        Reconcile();
    }

    /// <summary>Sets both directions' faults.</summary>
    public void Set(LinkFault forward, LinkFault backward)
    {
        Forward.Set(forward);
        Backward.Set(backward);
        Reconcile();
    }

    Mode Desired() =>
        closing.IsCancellationRequested ? Mode.Refuse
        : Forward.IsBlackhole || Backward.IsBlackhole ? Mode.Silent // a SYN or its SYN-ACK is lost either way
        : Forward.Fault.Kind == LinkFaultKind.Drop || Backward.Fault.Kind == LinkFaultKind.Drop ? Mode.Refuse
        : ListeningSockets.IsListening(target) ? Mode.Open
        : Mode.Refuse;

    /// <summary>Makes the listener what the faults and the target call for.</summary>
    void Reconcile()
    {
        lock (gate)
        {
            var want = Desired();
            if (want == mode)
                return;
            plug?.Dispose();
            listener?.Dispose();
            plug = listener = null;
            mode = want;
            if (want == Mode.Refuse)
                return;
            var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try
            {
                l.Bind(Listen);
            }
            catch (SocketException)
            {
                l.Dispose();
                mode = Mode.Refuse; // retried at the next change
                return;
            }
            if (want == Mode.Silent)
            {
                // A backlog of 0 holds one connection; our own plug takes it, and the kernel drops every later SYN.
                l.Listen(0);
                plug = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                plug.Connect(Listen);
            }
            else
            {
                l.Listen(64);
                _ = Task.Run(() => AcceptLoopAsync(l));
            }
            listener = l;
        }
    }

    async Task AcceptLoopAsync(Socket l)
    {
        while (!closing.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await l.AcceptAsync(closing.Token);
            }
            catch (Exception)
            {
                return;
            } // closed: the mode changed
            var c = new ProxiedConnection(client);
            connections[c] = 0;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(c);
                }
                finally
                {
                    connections.TryRemove(c, out _);
                    c.Reset();
                }
            });
        }
    }

    async Task ServeAsync(ProxiedConnection c)
    {
        var ct = CancellationTokenSource.CreateLinkedTokenSource(closing.Token, c.Cut).Token;
        try
        {
            await c.Server.ConnectAsync(target, ct); // refused if the target died just now: the client is reset
            if (handshake is not null)
                await handshake(c.Client, c.Server, ct);
            c.Client.NoDelay = true;
            // Each direction may end cleanly on its own (half-close); a failure in either cuts both.
            async Task Pump(Socket from, Socket to, TrafficGate way, TrafficGate back)
            {
                try
                {
                    await PumpAsync(from, to, way, back, c, ct);
                }
                catch (Exception)
                {
                    c.Reset();
                }
            }
            await Task.WhenAll(
                Pump(c.Client, c.Server, Forward, Backward),
                Pump(c.Server, c.Client, Backward, Forward)
            );
        }
        catch (Exception e)
            when (e
                    is SocketException
                        or OperationCanceledException
                        or IOException
                        or ObjectDisposedException
                        or ChannelClosedException
            ) { }
    }

    /// <summary>Copies one direction: a reader that honours the cut and the missing ACKs, and a writer that applies
    /// delays in order.</summary>
    async Task PumpAsync(
        Socket from,
        Socket to,
        TrafficGate way,
        TrafficGate back,
        ProxiedConnection c,
        CancellationToken ct
    )
    {
        var queue = Channel.CreateBounded<(byte[] Data, int Length, DateTime Due)>(
            new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true }
        );
        var writer = Task.Run(
            async () =>
            {
                await foreach (var (data, length, due) in queue.Reader.ReadAllAsync(ct))
                {
                    var wait = due - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, ct);
                    await to.SendAsync(data.AsMemory(0, length), SocketFlags.None, ct);
                }
                to.Shutdown(SocketShutdown.Send);
            },
            ct
        );
        var sentEpoch = -1;
        var sentSinceBackCut = 0L;
        try
        {
            while (true)
            {
                if (way.IsBlackhole && !await HoldAsync(from, way, ct))
                {
                    c.Reset(); // its sender closed it during the cut: nothing it sent is delivered
                    return;
                }
                var buffer = new byte[16 * 1024];
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                    break;
                if (way.Fault.Kind == LinkFaultKind.Drop)
                {
                    c.Reset(); // REJECT answers the first packet across the cut with a reset
                    return;
                }
                if (way.IsBlackhole)
                    await ResumeAfterHealAsync(DateTime.UtcNow, way, ct); // read just as the cut began
                if (back.IsBlackhole)
                {
                    // This direction's ACKs are cut: a window's worth passes, then the sender waits for the heal.
                    if (back.Epoch != sentEpoch)
                        (sentEpoch, sentSinceBackCut) = (back.Epoch, 0);
                    if (sentSinceBackCut >= WindowWithoutAcks)
                        await ResumeAfterHealAsync(DateTime.UtcNow, back, ct);
                    sentSinceBackCut += n;
                }
                await queue.Writer.WriteAsync((buffer, n, DateTime.UtcNow + way.Fault.NextDelay()), ct);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }
        await writer;
    }

    /// <summary>
    /// Waits out a blackhole without reading from the sender, then for its next retransmission if it had
    /// sent anything meanwhile. False when the sender closed the connection during the cut.
    /// </summary>
    async Task<bool> HoldAsync(Socket from, TrafficGate way, CancellationToken ct)
    {
        DateTime? sentAt = null;
        while (way.IsBlackhole)
        {
            if (from.Poll(0, SelectMode.SelectRead))
            {
                if (from.Available > 0)
                    sentAt ??= DateTime.UtcNow;
                else
                    return false; // readable with nothing to read: closed or reset
            }
            await Task.WhenAny(way.ChangedAsync, Task.Delay(50, ct));
            ct.ThrowIfCancellationRequested();
        }
        if (sentAt is { } t)
            await ResumeAfterHealAsync(t, way, ct);
        return true;
    }

    /// <summary>After the heal, waits for the retransmission of data first sent at `sentAt`: 200 ms, then
    /// doubling.</summary>
    async Task ResumeAfterHealAsync(DateTime sentAt, TrafficGate way, CancellationToken ct)
    {
        await way.WaitOpenAsync(ct);
        if (heal == HealMode.Instant)
            return;
        var healed = DateTime.UtcNow;
        var next = sentAt;
        for (var rto = MinRto; next <= healed; rto = rto * 2 < MaxRto ? rto * 2 : MaxRto)
            next += rto;
        await Task.Delay(next - healed, ct);
    }

    public async ValueTask DisposeAsync()
    {
        closing.Cancel();
        watch?.Dispose();
        Reconcile();
        foreach (var c in connections.Keys)
            c.Reset();
        await Task.CompletedTask;
    }

    /// <summary>A client connection and the proxy's connection onward to the target.</summary>
    sealed class ProxiedConnection(Socket client)
    {
        readonly CancellationTokenSource cut = new();
        public Socket Client { get; } = client;
        public Socket Server { get; } =
            new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        public CancellationToken Cut => cut.Token;

        public void Reset()
        {
            try
            {
                cut.Cancel();
            }
            catch (ObjectDisposedException) { }
            ResetSocket(Client);
            ResetSocket(Server);
        }

        /// <summary>Closes with RST rather than FIN, as a refusing firewall or a dead peer would appear.</summary>
        static void ResetSocket(Socket s)
        {
            try
            {
                s.LingerState = new LingerOption(true, 0);
            }
            catch (Exception) { }
            s.Dispose();
        }
    }
}
