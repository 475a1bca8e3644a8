using Checker.ZooKeeper.Protocol;

namespace Checker.ZooKeeper;

/// <summary>
/// A znode's metadata, as the server reports it (org.apache.zookeeper.data.Stat).
/// Version is the data version the compare-and-set (<see cref="ZooKeeperClient.SetDataAsync"/>) checks.
/// </summary>
/// <param name="Czxid">zxid of the transaction that created the node.</param>
/// <param name="Mzxid">zxid of the transaction that last modified the node's data.</param>
/// <param name="Ctime">Creation time, ms since the epoch (server clock).</param>
/// <param name="Mtime">Last modification time, ms since the epoch (server clock).</param>
/// <param name="Version">Number of data changes.</param>
/// <param name="Cversion">Number of child list changes.</param>
/// <param name="Aversion">Number of ACL changes.</param>
/// <param name="EphemeralOwner">Owning session id for ephemeral nodes, 0 otherwise.</param>
/// <param name="DataLength">Length of the data in bytes.</param>
/// <param name="NumChildren">Number of children.</param>
/// <param name="Pzxid">zxid of the last change to the children.</param>
public sealed record Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid
)
{
    /// <summary>Encoded size in bytes: 6 longs and 5 ints.</summary>
    internal const int Size = 6 * 8 + 5 * 4;

    /// <summary>Writes the Jute encoding (field order from zookeeper.jute).</summary>
    internal void Write(JuteWriter w)
    {
        w.WriteLong(Czxid);
        w.WriteLong(Mzxid);
        w.WriteLong(Ctime);
        w.WriteLong(Mtime);
        w.WriteInt(Version);
        w.WriteInt(Cversion);
        w.WriteInt(Aversion);
        w.WriteLong(EphemeralOwner);
        w.WriteInt(DataLength);
        w.WriteInt(NumChildren);
        w.WriteLong(Pzxid);
    }

    /// <summary>Reads the Jute encoding.</summary>
    internal static Stat Read(JuteReader r) =>
        new(
            r.ReadLong(),
            r.ReadLong(),
            r.ReadLong(),
            r.ReadLong(),
            r.ReadInt(),
            r.ReadInt(),
            r.ReadInt(),
            r.ReadLong(),
            r.ReadInt(),
            r.ReadInt(),
            r.ReadLong()
        );
}

/// <summary>Result of <see cref="ZooKeeperClient.GetDataAsync"/>: the node's bytes and its Stat.</summary>
public sealed record DataResult(byte[] Data, Stat Stat);

/// <summary>Node creation flags, values as on the wire (CreateMode.toFlag()).</summary>
public enum CreateMode
{
    /// <summary>Survives the session.</summary>
    Persistent = 0,

    /// <summary>Deleted when the creating session ends.</summary>
    Ephemeral = 1,

    /// <summary>Persistent; the server appends a 10-digit monotonically increasing counter to the name.</summary>
    PersistentSequential = 2,

    /// <summary>Ephemeral with a sequence suffix.</summary>
    EphemeralSequential = 3,
}
