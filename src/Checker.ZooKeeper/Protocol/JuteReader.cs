using System.Buffers.Binary;
using System.Text;

namespace Checker.ZooKeeper.Protocol;

/// <summary>
/// Big-endian Jute decoder over one received frame. Every length read from the wire is checked
/// against the bytes actually left in the frame, so malformed data raises
/// <see cref="ZooKeeperProtocolException"/> instead of allocating unbounded memory.
/// </summary>
internal sealed class JuteReader
{
    private readonly byte[] buffer;
    private readonly int end;
    private int position;

    /// <summary>Reads the whole array.</summary>
    public JuteReader(byte[] buffer)
        : this(buffer, 0, buffer.Length) { }

    /// <summary>Reads <paramref name="count"/> bytes starting at <paramref name="offset"/>.</summary>
    public JuteReader(byte[] buffer, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(count));
        this.buffer = buffer;
        position = offset;
        end = offset + count;
    }

    /// <summary>Bytes not yet consumed.</summary>
    public int Remaining => end - position;

    /// <summary>Reads a 4-byte big-endian int.</summary>
    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4, "int"));

    /// <summary>Reads an 8-byte big-endian long.</summary>
    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8, "long"));

    /// <summary>Reads a one-byte boolean; any non-zero byte is true (lenient like the Java client).</summary>
    public bool ReadBool() => Take(1, "bool")[0] != 0;

    /// <summary>Reads a length-prefixed buffer; length -1 yields null.</summary>
    public byte[]? ReadBuffer()
    {
        int length = ReadLength("buffer");
        return length < 0 ? null : Take(length, "buffer").ToArray();
    }

    /// <summary>Reads a length-prefixed UTF-8 string; length -1 yields null.</summary>
    public string? ReadString()
    {
        int length = ReadLength("string");
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length, "string"));
    }

    /// <summary>
    /// Reads a vector element count; -1 (a null vector) is returned as 0. The count is bounded by
    /// the remaining bytes divided by the smallest possible element size, so a hostile count
    /// cannot make the caller pre-allocate a huge list.
    /// </summary>
    public int ReadVectorCount(int minElementSize)
    {
        int count = ReadInt();
        if (count == -1)
            return 0;
        if (count < 0 || (long)count * minElementSize > Remaining)
            throw new ZooKeeperProtocolException(
                $"vector count {count} does not fit in the {Remaining} bytes left in the frame"
            );
        return count;
    }

    /// <summary>Fails unless the whole frame was consumed (catches layout mismatches in tests and replies).</summary>
    public void ExpectEnd(string record)
    {
        if (Remaining != 0)
            throw new ZooKeeperProtocolException($"{Remaining} unexpected trailing bytes after {record}");
    }

    private int ReadLength(string what)
    {
        int length = ReadInt();
        if (length < -1 || length > Remaining)
            throw new ZooKeeperProtocolException(
                $"{what} length {length} does not fit in the {Remaining} bytes left in the frame"
            );
        return length;
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining)
            throw new ZooKeeperProtocolException(
                $"truncated record: needed {count} bytes for {what}, only {Remaining} left in the frame"
            );
        var span = this.buffer.AsSpan(position, count);
        position += count;
        return span;
    }
}
