using Checker.ZooKeeper.Protocol;

namespace Checker.ZooKeeper;

/// <summary>One operation inside a <see cref="ZooKeeperClient.MultiAsync"/> transaction (all or nothing).</summary>
public abstract record MultiOp(string Path)
{
    /// <summary>Creates a node with the open ACL; its result is <see cref="OpResult.Create"/>.</summary>
    public sealed record Create(string Path, byte[] Data, CreateMode Mode = CreateMode.Persistent) : MultiOp(Path)
    {
        internal override OpCode Code => OpCode.Create;

        internal override void WriteBody(JuteWriter w) =>
            new CreateRequest(Path, Data, Acl.OpenUnsafe, (int)Mode).Write(w);
    }

    /// <summary>Deletes a node if its version matches (-1: any); result <see cref="OpResult.Delete"/>.</summary>
    public sealed record Delete(string Path, int Version = -1) : MultiOp(Path)
    {
        internal override OpCode Code => OpCode.Delete;

        internal override void WriteBody(JuteWriter w) => new PathVersionRequest(Path, Version).Write(w);
    }

    /// <summary>Sets data if the version matches (-1: any); result <see cref="OpResult.SetData"/>.</summary>
    public sealed record SetData(string Path, byte[] Data, int Version = -1) : MultiOp(Path)
    {
        internal override OpCode Code => OpCode.SetData;

        internal override void WriteBody(JuteWriter w) => new SetDataRequest(Path, Data, Version).Write(w);
    }

    /// <summary>Fails the whole multi unless the node's version matches; result <see cref="OpResult.Check"/>.</summary>
    public sealed record Check(string Path, int Version) : MultiOp(Path)
    {
        internal override OpCode Code => OpCode.Check;

        internal override void WriteBody(JuteWriter w) => new PathVersionRequest(Path, Version).Write(w);
    }

    /// <summary>The op code this op is sent with.</summary>
    internal abstract OpCode Code { get; }

    /// <summary>Writes the op's request record (without its MultiHeader).</summary>
    internal abstract void WriteBody(JuteWriter w);
}

/// <summary>Per-op result of a multi, in request order.</summary>
public abstract record OpResult
{
    /// <summary>The node was created at <paramref name="Path"/> (with any sequence suffix).</summary>
    public sealed record Create(string Path) : OpResult;

    /// <summary>The node was deleted.</summary>
    public sealed record Delete : OpResult;

    /// <summary>The data was set; <paramref name="Stat"/> is the node's new Stat.</summary>
    public sealed record SetData(Stat Stat) : OpResult;

    /// <summary>The version check passed.</summary>
    public sealed record Check : OpResult;

    /// <summary>
    /// The op did not apply. In a failed multi every op gets one: Ok for ops before the failing one
    /// (rolled back), the real code for the failing op, RuntimeInconsistency for ops after it.
    /// </summary>
    public sealed record Error(ErrorCode Code) : OpResult;
}

/// <summary>Jute encoding of MultiRequest / MultiResponse: a MultiHeader before each entry, a Done header at the
/// end.</summary>
internal static class MultiCodec
{
    /// <summary>Writes the multi request body.</summary>
    public static void WriteRequest(JuteWriter w, IEnumerable<MultiOp> ops)
    {
        foreach (var op in ops)
        {
            new MultiHeader((int)op.Code, false, -1).Write(w);
            op.WriteBody(w);
        }
        MultiHeader.End.Write(w);
    }

    /// <summary>Reads the multi reply body; the loop is bounded by the frame since every header consumes 9
    /// bytes.</summary>
    public static List<OpResult> ReadResponse(JuteReader r)
    {
        var results = new List<OpResult>();
        for (var h = MultiHeader.Read(r); !h.Done; h = MultiHeader.Read(r))
        {
            results.Add(
                (OpCode)h.Type switch
                {
                    OpCode.Create => new OpResult.Create(PathRecord.Read(r).Path),
                    OpCode.Create2 => new OpResult.Create(ReadCreate2(r)),
                    OpCode.Delete => new OpResult.Delete(),
                    OpCode.SetData => new OpResult.SetData(Stat.Read(r)),
                    OpCode.Check => new OpResult.Check(),
                    OpCode.Error => new OpResult.Error((ErrorCode)r.ReadInt()),
                    _ => throw new ZooKeeperProtocolException($"unexpected op type {h.Type} in multi reply"),
                }
            );
        }
        return results;
    }

    /// <summary>Writes a multi reply body (used by the codec tests).</summary>
    public static void WriteResponse(JuteWriter w, IEnumerable<OpResult> results)
    {
        foreach (var result in results)
        {
            switch (result)
            {
                case OpResult.Create c:
                    new MultiHeader((int)OpCode.Create, false, 0).Write(w);
                    w.WriteString(c.Path);
                    break;
                case OpResult.Delete:
                    new MultiHeader((int)OpCode.Delete, false, 0).Write(w);
                    break;
                case OpResult.SetData s:
                    new MultiHeader((int)OpCode.SetData, false, 0).Write(w);
                    s.Stat.Write(w);
                    break;
                case OpResult.Check:
                    new MultiHeader((int)OpCode.Check, false, 0).Write(w);
                    break;
                case OpResult.Error e:
                    new MultiHeader((int)OpCode.Error, false, (int)e.Code).Write(w);
                    w.WriteInt((int)e.Code);
                    break;
            }
        }
        MultiHeader.End.Write(w);
    }

    private static string ReadCreate2(JuteReader r)
    {
        string path = PathRecord.Read(r).Path;
        Stat.Read(r);
        return path;
    }
}
