using System.Net.Sockets;

namespace Checker.ZooKeeper.Protocol;

// Session handshake of ZooKeeperConnection: the only exchange without request/reply headers.
internal sealed partial class ZooKeeperConnection
{
    /// <summary>
    /// Connects and performs the session handshake within ConnectTimeout. Throws
    /// ZooKeeperConnectException (no session), SessionExpiredException (resume refused) or
    /// ZooKeeperProtocolException (the peer does not speak ZooKeeper).
    /// </summary>
    public static async Task<ZooKeeperConnection> OpenAsync(
        string host,
        int port,
        ZooKeeperClientOptions options,
        CancellationToken ct
    )
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);

            var w = new JuteWriter();
            w.BeginFrame();
            new ConnectRequest(
                0,
                options.LastZxidSeen,
                (int)options.SessionTimeout.TotalMilliseconds,
                options.SessionId,
                options.SessionPassword ?? new byte[16],
                options.CanBeReadOnly
            ).Write(w);
            w.EndFrame();
            await stream.WriteAsync(w.Written, deadline.Token).ConfigureAwait(false);

            var frame = await FrameReader
                .ReadAsync(stream, options.MaxFrameLength, deadline.Token)
                .ConfigureAwait(false)
                ?? throw new ZooKeeperConnectException(
                    $"{host}:{port} closed the connection during the handshake (not serving yet, or it refused "
                        + $"our last zxid)"
                );
            var response = ReadConnectResponse(frame);
            if (response.TimeOut <= 0)
                throw new SessionExpiredException(
                    $"session 0x{options.SessionId:x} cannot be resumed on {host}:{port}: expired or wrong password"
                );
            return new ZooKeeperConnection(socket, stream, response, options);
        }
        catch (Exception e)
        {
            socket.Dispose();
            if (e is OperationCanceledException && !ct.IsCancellationRequested)
                throw new ZooKeeperConnectException(
                    $"connecting to {host}:{port} timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms"
                );
            if (e is SocketException or IOException)
                throw new ZooKeeperConnectException($"connecting to {host}:{port} failed: {e.Message}", e);
            throw;
        }
    }

    // A malformed handshake reply is reported with its first bytes: the usual cause is a peer that
    // is not a ZooKeeper client port, and the bytes tell which.
    private static ConnectResponse ReadConnectResponse(byte[] frame)
    {
        // A server that cannot create the session may answer with a bare ReplyHeader carrying an
        // error instead of a ConnectResponse (3.8 read-only mode without local sessions: NotReadOnly).
        if (frame.Length == ReplyHeader.Size)
        {
            var header = ReplyHeader.Read(new JuteReader(frame));
            if (header.Err != 0)
                throw new ZooKeeperConnectException(
                    $"server refused to create the session: {(ErrorCode)header.Err} ({header.Err})"
                );
        }
        try
        {
            return ConnectResponse.Read(new JuteReader(frame));
        }
        catch (ZooKeeperProtocolException e)
        {
            throw new ZooKeeperProtocolException(
                $"malformed handshake reply ({frame.Length} bytes: "
                    + $"{Convert.ToHexString(frame.AsSpan(0, Math.Min(frame.Length, 32)))}): {e.Message}",
                e
            );
        }
    }
}
