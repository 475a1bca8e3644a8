using System.Buffers.Binary;
using System.Text;

namespace Checker.ZooKeeper.Protocol;

/// <summary>Big-endian Jute encoder into a growable buffer (one per frame; not thread-safe).</summary>
internal sealed class JuteWriter
{
    private byte[] buffer;
    private int length;

    /// <summary>Creates an empty writer with the given initial capacity.</summary>
    public JuteWriter(int capacity = 128) => this.buffer = new byte[Math.Max(capacity, 16)];

    /// <summary>Number of bytes written so far.</summary>
    public int Length => this.length;

    /// <summary>The bytes written so far (a view, valid until the next write).</summary>
    public ReadOnlyMemory<byte> Written => this.buffer.AsMemory(0, this.length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => this.buffer.AsSpan(0, this.length).ToArray();

    /// <summary>Writes a 4-byte big-endian int.</summary>
    public void WriteInt(int value) => BinaryPrimitives.WriteInt32BigEndian(Grow(4), value);

    /// <summary>Writes an 8-byte big-endian long.</summary>
    public void WriteLong(long value) => BinaryPrimitives.WriteInt64BigEndian(Grow(8), value);

    /// <summary>Writes a one-byte boolean (1 or 0), as Java's DataOutput does.</summary>
    public void WriteBool(bool value) => Grow(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>Writes a length-prefixed byte buffer; null is encoded as length -1.</summary>
    public void WriteBuffer(byte[]? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }
        WriteInt(value.Length);
        value.CopyTo(Grow(value.Length));
    }

    /// <summary>Writes a length-prefixed UTF-8 string; null is encoded as length -1.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }
        int count = Encoding.UTF8.GetByteCount(value);
        WriteInt(count);
        Encoding.UTF8.GetBytes(value, Grow(count));
    }

    /// <summary>Overwrites an int written earlier (frame length and xid are only known late).</summary>
    public void PatchInt(int offset, int value) =>
        BinaryPrimitives.WriteInt32BigEndian(this.buffer.AsSpan(offset, 4), value);

    /// <summary>Starts a length-prefixed frame; call <see cref="EndFrame"/> after writing its content.</summary>
    public void BeginFrame()
    {
        if (this.length != 0)
            throw new InvalidOperationException("frame must start the buffer");
        WriteInt(0);
    }

    /// <summary>Fills in the frame length prefix written by <see cref="BeginFrame"/>.</summary>
    public void EndFrame() => PatchInt(0, this.length - 4);

    private Span<byte> Grow(int count)
    {
        if (this.length + count > this.buffer.Length)
            Array.Resize(ref this.buffer, Math.Max(this.buffer.Length * 2, this.length + count));
        var span = this.buffer.AsSpan(this.length, count);
        this.length += count;
        return span;
    }
}
