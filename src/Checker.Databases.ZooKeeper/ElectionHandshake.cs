using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Checker.Runner.Databases;
using Checker.Runner.Net;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// ZooKeeper's leader-election connections begin with (protocol version, server id, own election
/// address). A server receiving a connection from a lower id drops it and connects back to that
/// advertised address, which would bypass the proxies; so the proxy replaces it with the address of
/// the proxy for the reverse link.
/// </summary>
public static class ElectionHandshake
{
    /// <summary>A handshake that advertises `reverseAddress` ("host:port") instead of the sender's own
    /// address.</summary>
    public static Handshake Rewrite(string reverseAddress) =>
        async (from, to, ct) =>
        {
            var head = new byte[8];
            await ReadExactlyAsync(from, head, ct);
            var version = BinaryPrimitives.ReadInt64BigEndian(head);
            if (version >= 0)
            {
                // the old protocol sends only the id: nothing to rewrite
                await to.SendAsync(head, SocketFlags.None, ct);
                return;
            }
            var idAndLength = new byte[12];
            await ReadExactlyAsync(from, idAndLength, ct);
            var length = BinaryPrimitives.ReadInt32BigEndian(idAndLength.AsSpan(8));
            if (length is < 0 or > 65536)
                throw new IOException($"unexpected election handshake length {length}");
            await ReadExactlyAsync(from, new byte[length], ct);
            var address = Encoding.ASCII.GetBytes(reverseAddress);
            var message = new byte[8 + 12 + address.Length];
            head.CopyTo(message, 0);
            idAndLength.CopyTo(message, 8);
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(16), address.Length);
            address.CopyTo(message, 20);
            await to.SendAsync(message, SocketFlags.None, ct);
        };

    static async Task ReadExactlyAsync(Socket s, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct);
            if (n == 0)
                throw new IOException("connection closed during the election handshake");
            read += n;
        }
    }
}
