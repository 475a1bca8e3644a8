using Checker.ZooKeeper.Protocol;

namespace Checker.ZooKeeper.Tests;

public class JuteCodecTests
{
    private static readonly Stat SampleStat = new(1, 2, 1_700_000_000_000, 1_700_000_000_123, 3, 4, 5, 0x1234_5678_9abc, 6, 7, 8);

    private static JuteReader RoundTrip(Action<JuteWriter> write)
    {
        var w = new JuteWriter(1);   // tiny initial capacity exercises growth
        write(w);
        return new JuteReader(w.ToArray());
    }

    [Fact]
    public void Primitives_are_big_endian_with_minus_one_for_null()
    {
        var w = new JuteWriter();
        w.WriteInt(0x01020304); w.WriteLong(-2); w.WriteBool(true); w.WriteString("é"); w.WriteBuffer(null); w.WriteString(null);
        Assert.Equal(
            new byte[] { 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 1, 0, 0, 0, 2, 0xc3, 0xa9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
            w.ToArray());
        var r = new JuteReader(w.ToArray());
        Assert.Equal(0x01020304, r.ReadInt());
        Assert.Equal(-2L, r.ReadLong());
        Assert.True(r.ReadBool());
        Assert.Equal("é", r.ReadString());
        Assert.Null(r.ReadBuffer());
        Assert.Null(r.ReadString());
        r.ExpectEnd("primitives");
    }

    [Fact]
    public void Frame_length_prefix_is_patched()
    {
        var w = new JuteWriter();
        w.BeginFrame(); new RequestHeader(7, (int)OpCode.Ping).Write(w); w.EndFrame();
        Assert.Equal(new byte[] { 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 11 }, w.ToArray());
    }

    [Fact]
    public void Stat_round_trips_in_68_bytes()
    {
        var w = new JuteWriter();
        SampleStat.Write(w);
        Assert.Equal(Stat.Size, w.Length);
        Assert.Equal(68, w.Length);
        var r = new JuteReader(w.ToArray());
        Assert.Equal(SampleStat, Stat.Read(r));
        r.ExpectEnd("Stat");
    }

    [Fact]
    public void Handshake_records_round_trip()
    {
        var request = new ConnectRequest(0, 42, 10_000, 0x55, [1, 2, 3], true);
        var r = RoundTrip(request.Write);
        var back = ConnectRequest.Read(r);
        r.ExpectEnd("ConnectRequest");
        Assert.Equal((request.ProtocolVersion, request.LastZxidSeen, request.TimeOut, request.SessionId, request.ReadOnly),
            (back.ProtocolVersion, back.LastZxidSeen, back.TimeOut, back.SessionId, back.ReadOnly));
        Assert.Equal(request.Passwd, back.Passwd);

        var response = new ConnectResponse(0, 4000, -77, new byte[16], true);
        r = RoundTrip(response.Write);
        var resp = ConnectResponse.Read(r);
        r.ExpectEnd("ConnectResponse");
        Assert.Equal((0, 4000, -77L, true), (resp.ProtocolVersion, resp.TimeOut, resp.SessionId, resp.ReadOnly));
        Assert.Equal(response.Passwd, resp.Passwd);
    }

    [Fact]
    public void ConnectResponse_without_read_only_byte_is_accepted()
    {
        var w = new JuteWriter();
        w.WriteInt(0); w.WriteInt(4000); w.WriteLong(9); w.WriteBuffer([7]);
        var resp = ConnectResponse.Read(new JuteReader(w.ToArray()));
        Assert.Equal(9, resp.SessionId);
        Assert.False(resp.ReadOnly);
    }

    [Fact]
    public void Headers_round_trip()
    {
        var r = RoundTrip(new RequestHeader(-2, 11).Write);
        Assert.Equal(new RequestHeader(-2, 11), RequestHeader.Read(r));
        r = RoundTrip(new ReplyHeader(5, 0x1_0000_0002, -101).Write);
        Assert.Equal(new ReplyHeader(5, 0x1_0000_0002, -101), ReplyHeader.Read(r));
        r.ExpectEnd("ReplyHeader");
    }

    [Fact]
    public void Request_records_round_trip()
    {
        var create = new CreateRequest("/a", [9, 8], Acl.OpenUnsafe, (int)CreateMode.EphemeralSequential);
        var r = RoundTrip(create.Write);
        var c = CreateRequest.Read(r);
        r.ExpectEnd("CreateRequest");
        Assert.Equal(("/a", 3), (c.Path, c.Flags));
        Assert.Equal(create.Data, c.Data);
        Assert.Equal(create.Acl, c.Acl);
        Assert.Equal(new Acl(31, "world", "anyone"), Assert.Single(c.Acl));

        Assert.Equal(new PathRecord("/p"), PathRecord.Read(RoundTrip(new PathRecord("/p").Write)));
        Assert.Equal(new PathWatchRequest("/p", true), PathWatchRequest.Read(RoundTrip(new PathWatchRequest("/p", true).Write)));
        Assert.Equal(new PathVersionRequest("/p", -1), PathVersionRequest.Read(RoundTrip(new PathVersionRequest("/p", -1).Write)));

        var set = SetDataRequest.Read(RoundTrip(new SetDataRequest("/s", [1], 4).Write));
        Assert.Equal(("/s", 4), (set.Path, set.Version));
        Assert.Equal(new byte[] { 1 }, set.Data);
    }

    [Fact]
    public void Response_records_round_trip()
    {
        var data = GetDataResponse.Read(RoundTrip(new GetDataResponse([5, 6], SampleStat).Write));
        Assert.Equal(new byte[] { 5, 6 }, data.Data);
        Assert.Equal(SampleStat, data.Stat);

        var children = GetChildrenResponse.Read(RoundTrip(new GetChildrenResponse(["x", "y"]).Write));
        Assert.Equal(["x", "y"], children.Children);

        var ev = new WatcherEvent(3, 3, "/w");
        Assert.Equal(ev, WatcherEvent.Read(RoundTrip(ev.Write)));
        Assert.Equal(MultiHeader.End, MultiHeader.Read(RoundTrip(MultiHeader.End.Write)));
    }

    [Fact]
    public void Multi_request_encodes_header_before_each_op_and_end_marker()
    {
        var r = RoundTrip(w => MultiCodec.WriteRequest(w, [new MultiOp.Check("/c", 2), new MultiOp.SetData("/c", [1], 2)]));
        Assert.Equal(new MultiHeader((int)OpCode.Check, false, -1), MultiHeader.Read(r));
        Assert.Equal(new PathVersionRequest("/c", 2), PathVersionRequest.Read(r));
        Assert.Equal(new MultiHeader((int)OpCode.SetData, false, -1), MultiHeader.Read(r));
        Assert.Equal("/c", SetDataRequest.Read(r).Path);
        Assert.Equal(MultiHeader.End, MultiHeader.Read(r));
        r.ExpectEnd("multi");
    }

    [Fact]
    public void Multi_response_round_trips()
    {
        OpResult[] results = [new OpResult.Create("/n0001"), new OpResult.Delete(), new OpResult.SetData(SampleStat), new OpResult.Check(), new OpResult.Error(ErrorCode.BadVersion)];
        var r = RoundTrip(w => MultiCodec.WriteResponse(w, results));
        Assert.Equal(results, MultiCodec.ReadResponse(r));
        r.ExpectEnd("multi response");
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 })]                      // int cut short
    [InlineData(new byte[] { 0x7f, 0xff, 0xff, 0xff, 1 })]    // buffer length far beyond the frame
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xf0 })]       // negative length other than -1
    public void Malformed_input_is_a_protocol_error(byte[] bytes)
    {
        var r = new JuteReader(bytes);
        Assert.Throws<ZooKeeperProtocolException>(() => r.ReadBuffer());
    }

    [Fact]
    public void Absurd_vector_count_is_rejected_before_allocating()
    {
        var w = new JuteWriter();
        w.WriteInt(int.MaxValue); w.WriteString("only-one");
        var e = Assert.Throws<ZooKeeperProtocolException>(() => GetChildrenResponse.Read(new JuteReader(w.ToArray())));
        Assert.Contains("vector count", e.Message);
    }

    [Fact]
    public void Multi_response_with_unknown_op_type_is_a_protocol_error()
    {
        var r = RoundTrip(w => new MultiHeader(99, false, 0).Write(w));
        Assert.Throws<ZooKeeperProtocolException>(() => MultiCodec.ReadResponse(r));
    }

    [Fact]
    public async Task Frame_reader_rejects_absurd_length_without_allocating_it()
    {
        var stream = new MemoryStream([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<ZooKeeperProtocolException>(() => FrameReader.ReadAsync(stream, 1 << 20, default));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("frame length", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task Frame_reader_distinguishes_clean_end_from_truncation()
    {
        Assert.Null(await FrameReader.ReadAsync(new MemoryStream([]), 100, default));
        var e = await Assert.ThrowsAsync<ZooKeeperProtocolException>(() => FrameReader.ReadAsync(new MemoryStream([0, 0, 0, 10, 1, 2]), 100, default));
        Assert.Contains("truncated frame", e.Message);
        Assert.Equal(new byte[] { 1, 2 }, await FrameReader.ReadAsync(new MemoryStream([0, 0, 0, 2, 1, 2]), 100, default));
    }

    [Fact]
    public void Every_error_code_maps_to_a_definite_or_indeterminate_exception()
    {
        foreach (var code in Enum.GetValues<ErrorCode>().Where(c => c != ErrorCode.Ok))
        {
            var e = ErrorCodes.ToException(code, "/x");
            if (ErrorCodes.IsIndeterminate(code))
                Assert.Equal(code, Assert.IsType<ZooKeeperIndeterminateException>(e).ServerCode);
            else
                Assert.Equal(code, Assert.IsAssignableFrom<ZooKeeperException>(e).Code);
        }
        Assert.IsType<NoNodeException>(ErrorCodes.ToException(ErrorCode.NoNode, "/x"));
        Assert.IsType<NodeExistsException>(ErrorCodes.ToException(ErrorCode.NodeExists, "/x"));
        Assert.IsType<BadVersionException>(ErrorCodes.ToException(ErrorCode.BadVersion, "/x"));
        Assert.IsType<NotEmptyException>(ErrorCodes.ToException(ErrorCode.NotEmpty, "/x"));
        Assert.IsType<SessionExpiredException>(ErrorCodes.ToException(ErrorCode.SessionExpired, "/x"));
        Assert.Equal((ErrorCode)(-999), Assert.IsType<ZooKeeperException>(ErrorCodes.ToException((ErrorCode)(-999), null)).Code);
    }
}
