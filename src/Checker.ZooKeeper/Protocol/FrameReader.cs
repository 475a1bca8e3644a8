using System.Buffers.Binary;

namespace Checker.ZooKeeper.Protocol;

/// <summary>Reads length-prefixed frames (4-byte big-endian length, then that many bytes) from a stream.</summary>
internal static class FrameReader
{
    /// <summary>
    /// Reads one frame. Returns null on a clean end of stream at a frame boundary. Throws
    /// <see cref="ZooKeeperProtocolException"/> for a negative or over-limit length (before allocating
    /// anything) and for a stream that ends inside a frame.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxLength, CancellationToken ct)
    {
        var prefix = new byte[4];
        int got = await FillAsync(stream, prefix, ct).ConfigureAwait(false);
        if (got == 0)
            return null;
        if (got < 4)
            throw new ZooKeeperProtocolException($"connection closed inside a frame length prefix ({got} of 4 bytes)");

        int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0 || length > maxLength)
            throw new ZooKeeperProtocolException(
                $"frame length {length} (0x{length:x8}) outside 0..{maxLength}; not a ZooKeeper server or corrupt "
                    + $"stream"
            );

        var frame = new byte[length];
        got = await FillAsync(stream, frame, ct).ConfigureAwait(false);
        if (got < length)
            throw new ZooKeeperProtocolException($"truncated frame: connection closed after {got} of {length} bytes");
        return frame;
    }

    // Reads until the buffer is full or the stream ends; returns the byte count read.
    private static async Task<int> FillAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
