using System.Net.Sockets;

namespace Checker.ZooKeeper.Protocol;

// Reader loop and ping loop of ZooKeeperConnection.
internal sealed partial class ZooKeeperConnection
{
    // Sole reader of the socket. Any exception ends the connection; the reason is what callers see.
    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await FrameReader
                    .ReadAsync(this.stream, this.options.MaxFrameLength, shutdown.Token)
                    .ConfigureAwait(false);
                if (frame is null)
                {
                    Fail(
                        new ZooKeeperIndeterminateException(
                            IndeterminateReason.ConnectionLost,
                            closing ? "connection closed after closeSession" : "server closed the connection"
                        )
                    );
                    return;
                }
                Volatile.Write(ref lastReceivedMs, Environment.TickCount64);
                Dispatch(frame);
            }
        }
        catch (Exception e)
        {
            Fail(
                e is ZooKeeperIndeterminateException
                    ? e
                    : new ZooKeeperIndeterminateException(
                        IndeterminateReason.ConnectionLost,
                        $"connection lost: {e.Message}",
                        null,
                        e
                    )
            );
        }
    }

    private void Dispatch(byte[] frame)
    {
        var reader = new JuteReader(frame);
        var header = ReplyHeader.Read(reader);
        switch (header.Xid)
        {
            case Xids.Notification:
                WatcherEvent.Read(reader); // validate it, then drop it: watches are not surfaced
                Interlocked.Increment(ref this.notifications);
                return;
            case Xids.Ping or Xids.Auth or Xids.SetWatches:
                return; // liveness already recorded by the caller
        }

        Pending? head;
        lock (gate)
        {
            if (this.pending.TryPeek(out head) && head.Xid == header.Xid)
                this.pending.Dequeue();
        }
        if (head is null)
            throw new ZooKeeperProtocolException($"reply with xid {header.Xid} but no request is outstanding");
        if (head.Xid != header.Xid) // head stays queued, so Fail completes it as indeterminate
            throw new ZooKeeperProtocolException(
                $"reply xid {header.Xid} out of order: expected {head.Xid} ({head.Op})"
            );
        if (header.Zxid > 0)
        {
            long seen;
            while (
                header.Zxid > (seen = Interlocked.Read(ref lastZxid))
                && Interlocked.CompareExchange(ref lastZxid, header.Zxid, seen) != seen
            ) { }
        }
        head.Reply.TrySetResult(new Reply(header, frame, frame.Length - reader.Remaining));
    }

    // Pings at a third of the negotiated timeout. The connection is declared lost when nothing at all
    // arrived for two thirds of it (the Java client's read timeout) AND a ping has been unanswered for
    // a full interval AND no unread bytes wait in the socket. The last two conditions keep a stalled
    // thread pool (a busy tester process) from being mistaken for a dead server: after a stall we
    // first ping, then judge. A stopped server is still noticed well before its session expires.
    private async Task PingLoopAsync()
    {
        int sessionMs = Session.TimeOut;
        int interval = Math.Max(sessionMs / 3, 1);
        int readTimeout = Math.Max(sessionMs * 2 / 3, 2);
        try
        {
            while (!shutdown.IsCancellationRequested)
            {
                await Task.Delay(Math.Max(interval / 4, 10), shutdown.Token).ConfigureAwait(false);
                long now = Environment.TickCount64;
                long received = Volatile.Read(ref lastReceivedMs);
                long pinged = Volatile.Read(ref lastPingMs);
                if (now - received > readTimeout && pinged > received && now - pinged >= interval && UnreadBytes() == 0)
                {
                    Fail(
                        new ZooKeeperIndeterminateException(
                            IndeterminateReason.ConnectionLost,
                            $"no data from the server for {now - received} ms (read timeout {readTimeout} ms): "
                                + $"pings unanswered"
                        )
                    );
                    return;
                }
                if (
                    now - Volatile.Read(ref lastSentMs) >= interval
                    || (now - received > readTimeout && pinged <= received)
                )
                    await SendPingAsync(readTimeout).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested) { }
    }

    private int UnreadBytes()
    {
        try
        {
            return this.socket.Available;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return 0;
        }
    }

    private async Task SendPingAsync(int timeoutMs)
    {
        if (!writeLock.Wait(0))
            return; // a request is being written: that is traffic enough
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token);
            timeout.CancelAfter(timeoutMs);
            await this.stream.WriteAsync(PingFrame, timeout.Token).ConfigureAwait(false);
            long now = Environment.TickCount64;
            Volatile.Write(ref lastSentMs, now);
            Volatile.Write(ref lastPingMs, now);
        }
        catch (Exception e) when (!shutdown.IsCancellationRequested)
        {
            Fail(
                new ZooKeeperIndeterminateException(
                    IndeterminateReason.ConnectionLost,
                    $"ping write failed: {e.Message}",
                    null,
                    e
                )
            );
        }
        finally
        {
            writeLock.Release();
        }
    }
}
