namespace Checker.ZooKeeper.Protocol;

// Wire records from zookeeper.jute, field order exactly as the server (de)serializes them.
// Each has Write (what we send) and Read (what we parse); both exist for every record so the
// codec tests can round-trip them and the fake servers in the tests can speak the protocol.

/// <summary>Session handshake request; the first frame on a connection, without a request header.</summary>
internal sealed record ConnectRequest(
    int ProtocolVersion,
    long LastZxidSeen,
    int TimeOut,
    long SessionId,
    byte[] Passwd,
    bool ReadOnly
)
{
    public void Write(JuteWriter w)
    {
        w.WriteInt(ProtocolVersion);
        w.WriteLong(LastZxidSeen);
        w.WriteInt(TimeOut);
        w.WriteLong(SessionId);
        w.WriteBuffer(Passwd);
        w.WriteBool(ReadOnly);
    }

    public static ConnectRequest Read(JuteReader r) =>
        new(
            r.ReadInt(),
            r.ReadLong(),
            r.ReadInt(),
            r.ReadLong(),
            r.ReadBuffer() ?? [],
            r.Remaining > 0 && r.ReadBool()
        );
}

/// <summary>Handshake reply. TimeOut &lt;= 0 means the session is expired (or the password was wrong).</summary>
internal sealed record ConnectResponse(int ProtocolVersion, int TimeOut, long SessionId, byte[] Passwd, bool ReadOnly)
{
    public void Write(JuteWriter w)
    {
        w.WriteInt(ProtocolVersion);
        w.WriteInt(TimeOut);
        w.WriteLong(SessionId);
        w.WriteBuffer(Passwd);
        w.WriteBool(ReadOnly);
    }

    // The readOnly byte was added in 3.4; older servers omit it, hence the Remaining check.
    public static ConnectResponse Read(JuteReader r) =>
        new(r.ReadInt(), r.ReadInt(), r.ReadLong(), r.ReadBuffer() ?? [], r.Remaining > 0 && r.ReadBool());
}

/// <summary>Header of every request after the handshake.</summary>
internal readonly record struct RequestHeader(int Xid, int Type)
{
    public void Write(JuteWriter w)
    {
        w.WriteInt(Xid);
        w.WriteInt(Type);
    }

    public static RequestHeader Read(JuteReader r) => new(r.ReadInt(), r.ReadInt());
}

/// <summary>Header of every reply after the handshake; Err is an <see cref="ErrorCode"/>.</summary>
internal readonly record struct ReplyHeader(int Xid, long Zxid, int Err)
{
    public const int Size = 16;

    public void Write(JuteWriter w)
    {
        w.WriteInt(Xid);
        w.WriteLong(Zxid);
        w.WriteInt(Err);
    }

    public static ReplyHeader Read(JuteReader r) => new(r.ReadInt(), r.ReadLong(), r.ReadInt());
}

/// <summary>One ACL entry: permission bits plus an identity (scheme, id).</summary>
internal sealed record Acl(int Perms, string Scheme, string Id)
{
    /// <summary>world:anyone with all permissions (ZooDefs.Ids.OPEN_ACL_UNSAFE), the only ACL this client
    /// uses.</summary>
    public static readonly IReadOnlyList<Acl> OpenUnsafe = [new Acl(31, "world", "anyone")];

    public const int MinSize = 12;

    public void Write(JuteWriter w)
    {
        w.WriteInt(Perms);
        w.WriteString(Scheme);
        w.WriteString(Id);
    }

    public static Acl Read(JuteReader r) => new(r.ReadInt(), r.ReadString() ?? "", r.ReadString() ?? "");
}

/// <summary>create / create2 request; Flags is the <see cref="CreateMode"/> value.</summary>
internal sealed record CreateRequest(string Path, byte[] Data, IReadOnlyList<Acl> Acl, int Flags)
{
    public void Write(JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        w.WriteInt(Acl.Count);
        foreach (var acl in Acl)
            acl.Write(w);
        w.WriteInt(Flags);
    }

    public static CreateRequest Read(JuteReader r)
    {
        string path = r.ReadString() ?? "";
        byte[] data = r.ReadBuffer() ?? [];
        var acl = new List<Acl>(r.ReadVectorCount(Protocol.Acl.MinSize));
        for (int i = acl.Capacity; i > 0; i--)
            acl.Add(Protocol.Acl.Read(r));
        return new CreateRequest(path, data, acl, r.ReadInt());
    }
}

/// <summary>A record holding just a path: SyncRequest, SyncResponse, CreateResponse.</summary>
internal sealed record PathRecord(string Path)
{
    public void Write(JuteWriter w) => w.WriteString(Path);

    public static PathRecord Read(JuteReader r) => new(r.ReadString() ?? "");
}

/// <summary>Path plus watch flag: ExistsRequest, GetDataRequest, GetChildrenRequest.</summary>
internal sealed record PathWatchRequest(string Path, bool Watch)
{
    public void Write(JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }

    public static PathWatchRequest Read(JuteReader r) => new(r.ReadString() ?? "", r.ReadBool());
}

/// <summary>Path plus expected version: DeleteRequest and CheckVersionRequest share this layout.</summary>
internal sealed record PathVersionRequest(string Path, int Version)
{
    public void Write(JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt(Version);
    }

    public static PathVersionRequest Read(JuteReader r) => new(r.ReadString() ?? "", r.ReadInt());
}

/// <summary>setData request; Version -1 matches any version, otherwise it is the compare-and-set guard.</summary>
internal sealed record SetDataRequest(string Path, byte[] Data, int Version)
{
    public void Write(JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        w.WriteInt(Version);
    }

    public static SetDataRequest Read(JuteReader r) => new(r.ReadString() ?? "", r.ReadBuffer() ?? [], r.ReadInt());
}

/// <summary>getData reply: the node's bytes and its Stat.</summary>
internal sealed record GetDataResponse(byte[] Data, Stat Stat)
{
    public void Write(JuteWriter w)
    {
        w.WriteBuffer(Data);
        Stat.Write(w);
    }

    public static GetDataResponse Read(JuteReader r) => new(r.ReadBuffer() ?? [], Stat.Read(r));
}

/// <summary>getChildren reply: child names (not full paths).</summary>
internal sealed record GetChildrenResponse(IReadOnlyList<string> Children)
{
    public void Write(JuteWriter w)
    {
        w.WriteInt(Children.Count);
        foreach (var child in Children)
            w.WriteString(child);
    }

    public static GetChildrenResponse Read(JuteReader r)
    {
        var children = new List<string>(r.ReadVectorCount(4));
        for (int i = children.Capacity; i > 0; i--)
            children.Add(r.ReadString() ?? "");
        return new GetChildrenResponse(children);
    }
}

/// <summary>Precedes each op in a multi request and each result in a multi reply; Done=true ends the list.</summary>
internal readonly record struct MultiHeader(int Type, bool Done, int Err)
{
    public static readonly MultiHeader End = new(-1, true, -1);

    public void Write(JuteWriter w)
    {
        w.WriteInt(Type);
        w.WriteBool(Done);
        w.WriteInt(Err);
    }

    public static MultiHeader Read(JuteReader r) => new(r.ReadInt(), r.ReadBool(), r.ReadInt());
}

/// <summary>Watch notification body (frames with xid -1); parsed only to validate, then ignored.</summary>
internal sealed record WatcherEvent(int Type, int State, string Path)
{
    public void Write(JuteWriter w)
    {
        w.WriteInt(Type);
        w.WriteInt(State);
        w.WriteString(Path);
    }

    public static WatcherEvent Read(JuteReader r) => new(r.ReadInt(), r.ReadInt(), r.ReadString() ?? "");
}
