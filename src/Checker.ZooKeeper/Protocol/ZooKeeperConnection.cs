using System.Net.Sockets;

namespace Checker.ZooKeeper.Protocol;

/// <summary>A reply frame: its header and the still-encoded body.</summary>
internal sealed record Reply(ReplyHeader Header, byte[] Frame, int BodyOffset)
{
    /// <summary>A reader positioned at the body.</summary>
    public JuteReader Body() => new(Frame, BodyOffset, Frame.Length - BodyOffset);
}

/// <summary>
/// One TCP connection carrying one session: writes requests, matches replies, pings, detects loss.
/// ZooKeeper answers a connection's requests strictly in order, so outstanding requests are a FIFO
/// queue and every reply must match its head; anything else is a protocol error. The connection is
/// never re-established: once it fails, every outstanding request completes as indeterminate at
/// once and new requests are refused (definitely) — a Jepsen client is bound to one node.
/// </summary>
internal sealed partial class ZooKeeperConnection : IAsyncDisposable
{
    private sealed class Pending(OpCode op)
    {
        public OpCode Op { get; } = op;
        public int Xid { get; set; }
        public TaskCompletionSource<Reply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static readonly byte[] PingFrame = [0, 0, 0, 8, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, (byte)OpCode.Ping];

    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly ZooKeeperClientOptions options;
    private readonly SemaphoreSlim writeLock = new(1, 1); // one frame on the wire at a time
    private readonly object gate = new(); // guards this.pending, this.xid, this.failure
    private readonly Queue<Pending> pending = new();
    private readonly CancellationTokenSource shutdown = new();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task readLoop;
    private readonly Task pingLoop;
    private int xid;
    private Exception? failure;
    private volatile bool closing;
    private long lastReceivedMs = Environment.TickCount64;
    private long lastSentMs = Environment.TickCount64;
    private long lastPingMs; // 0 until the first ping
    private long lastZxid;
    private int notifications;

    private ZooKeeperConnection(
        Socket socket,
        NetworkStream stream,
        ConnectResponse session,
        ZooKeeperClientOptions options
    )
    {
        this.socket = socket;
        this.stream = stream;
        this.options = options;
        Session = session;
        lastZxid = options.LastZxidSeen;
        readLoop = Task.Run(ReadLoopAsync);
        pingLoop = Task.Run(PingLoopAsync);
    }

    /// <summary>The handshake reply: session id, password, negotiated timeout, read-only flag.</summary>
    public ConnectResponse Session { get; }

    /// <summary>True until the connection fails or is closed.</summary>
    public bool IsConnected => Volatile.Read(ref this.failure) is null;

    /// <summary>Why the connection ended; null while connected.</summary>
    public Exception? Failure => Volatile.Read(ref this.failure);

    /// <summary>Completes when the connection has ended, for whatever reason.</summary>
    public Task Closed => this.closed.Task;

    /// <summary>Highest zxid seen in any reply (pass it as LastZxidSeen when resuming elsewhere).</summary>
    public long LastZxid => Interlocked.Read(ref lastZxid);

    /// <summary>Watch notifications received and skipped (watches are not surfaced).</summary>
    public int NotificationsReceived => Volatile.Read(ref this.notifications);

    /// <summary>
    /// Sends one request and awaits its reply (the reply may carry an error code; callers decide).
    /// Throws ZooKeeperNotConnectedException (definite) if the connection already ended before the
    /// request was queued; ZooKeeperIndeterminateException on timeout or loss after that.
    /// </summary>
    public async Task<Reply> SendAsync(OpCode op, Action<JuteWriter>? writeBody, TimeSpan? timeoutOverride = null)
    {
        var limit = timeoutOverride ?? this.options.RequestTimeout;
        var frame = new JuteWriter();
        frame.BeginFrame();
        new RequestHeader(0, (int)op).Write(frame); // xid patched in once assigned, in wire order
        writeBody?.Invoke(frame);
        frame.EndFrame();

        var pending = new Pending(op);
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Never written, so strictly it did not happen; still reported as a timeout (indeterminate):
            // over-reporting "maybe" is safe for a checker, and a wedged writer means the link is dying.
            ThrowIfFailed();
            throw TimedOut(op, limit);
        }
        try
        {
            lock (gate)
            {
                ThrowIfFailed();
                pending.Xid = this.xid = this.xid == int.MaxValue ? 1 : this.xid + 1; // never a reserved negative xid
                this.pending.Enqueue(pending); // queued before written: a reply cannot outrun it
            }
            frame.PatchInt(4, pending.Xid);
            try
            {
                await this.stream.WriteAsync(frame.Written, timeout.Token).ConfigureAwait(false);
                Volatile.Write(ref lastSentMs, Environment.TickCount64);
            }
            catch (Exception e)
            {
                // Part of the frame may be on the wire: the stream is unusable from here on.
                Fail(
                    new ZooKeeperIndeterminateException(
                        IndeterminateReason.ConnectionLost,
                        $"write failed: {e.Message}",
                        null,
                        e
                    )
                );
            }
        }
        finally
        {
            writeLock.Release();
        }

        try
        {
            return await pending.Reply.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // The request stays queued so its late reply, if any, is matched and dropped.
            throw TimedOut(op, limit);
        }
    }

    /// <summary>Ends the session (closeSession) and the connection; best effort, never throws.</summary>
    public async Task CloseAsync()
    {
        if (IsConnected)
        {
            closing = true;
            var limit =
                this.options.CloseTimeout < this.options.RequestTimeout
                    ? this.options.CloseTimeout
                    : this.options.RequestTimeout;
            try
            {
                await SendAsync(OpCode.CloseSession, null, limit).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ZooKeeperException or ZooKeeperIndeterminateException) { }
            Fail(
                new ZooKeeperIndeterminateException(
                    IndeterminateReason.ConnectionLost,
                    "connection closed by the client"
                )
            );
        }
        await Task.WhenAll(readLoop, pingLoop).ConfigureAwait(false);
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private static ZooKeeperIndeterminateException TimedOut(OpCode op, TimeSpan limit) =>
        new(
            IndeterminateReason.Timeout,
            $"{op} got no reply within {limit.TotalMilliseconds:0} ms; it may have been applied"
        );

    private void ThrowIfFailed()
    {
        var failure = Volatile.Read(ref this.failure);
        if (failure is not null)
            throw new ZooKeeperNotConnectedException($"not connected ({failure.Message}); request not sent", failure);
    }

    /// <summary>
    /// Marks the connection dead (first reason wins), closes the socket and completes every
    /// outstanding request, in order, with an indeterminate exception derived from the reason.
    /// </summary>
    private void Fail(Exception reason)
    {
        Pending[] outstanding;
        lock (gate)
        {
            if (this.failure is not null)
                return;
            Volatile.Write(ref this.failure, reason);
            outstanding = this.pending.ToArray();
            this.pending.Clear();
        }
        shutdown.Cancel();
        this.socket.Dispose();
        foreach (var p in outstanding)
            p.Reply.TrySetException(ForRequest(reason, p));
        this.closed.TrySetResult();
    }

    // Each awaiting caller gets its own exception object (shared ones get their stack traces mixed).
    private static Exception ForRequest(Exception reason, Pending p)
    {
        string message = $"{p.Op} (xid {p.Xid}) outcome unknown: {reason.Message}";
        return reason is ZooKeeperProtocolException
            ? new ZooKeeperProtocolException(message, reason)
            : new ZooKeeperIndeterminateException(
                reason is ZooKeeperIndeterminateException i ? i.Reason : IndeterminateReason.ConnectionLost,
                message,
                null,
                reason
            );
    }
}
