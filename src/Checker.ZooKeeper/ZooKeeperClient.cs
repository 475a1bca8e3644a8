using Checker.ZooKeeper.Protocol;

namespace Checker.ZooKeeper;

/// <summary>
/// Async ZooKeeper client over one TCP connection to one server, with one session. Thread-safe;
/// concurrent calls are pipelined and complete in the order they were sent.
/// Outcomes: success; <see cref="ZooKeeperException"/> = definitely not applied (record :fail);
/// <see cref="ZooKeeperIndeterminateException"/> = maybe applied (record :info). It never reconnects:
/// after the connection ends every call fails with <see cref="ZooKeeperNotConnectedException"/>.
/// </summary>
public sealed class ZooKeeperClient : IAsyncDisposable
{
    private readonly ZooKeeperConnection connection;

    private ZooKeeperClient(ZooKeeperConnection connection, string host, int port)
    {
        this.connection = connection;
        Host = host;
        Port = port;
    }

    /// <summary>
    /// Connects to host:port and creates a session, or resumes options.SessionId. Throws
    /// ZooKeeperConnectException, SessionExpiredException or ZooKeeperProtocolException.
    /// </summary>
    public static async Task<ZooKeeperClient> ConnectAsync(
        string host,
        int port,
        ZooKeeperClientOptions? options = null,
        CancellationToken ct = default
    )
    {
        var connection = await ZooKeeperConnection
            .OpenAsync(host, port, options ?? new ZooKeeperClientOptions(), ct)
            .ConfigureAwait(false);
        return new ZooKeeperClient(connection, host, port);
    }

    /// <summary>Server host this client is bound to.</summary>
    public string Host { get; }

    /// <summary>Server port this client is bound to.</summary>
    public int Port { get; }

    /// <summary>Session id (resume it elsewhere with <see cref="ZooKeeperClientOptions.SessionId"/>).</summary>
    public long SessionId => this.connection.Session.SessionId;

    /// <summary>Session password (a copy), needed to resume the session.</summary>
    public byte[] SessionPassword => (byte[])this.connection.Session.Passwd.Clone();

    /// <summary>Session timeout the server granted.</summary>
    public TimeSpan NegotiatedSessionTimeout => TimeSpan.FromMilliseconds(this.connection.Session.TimeOut);

    /// <summary>True when the server is in read-only mode (only with CanBeReadOnly).</summary>
    public bool IsReadOnly => this.connection.Session.ReadOnly;

    /// <summary>True until the connection is lost or closed.</summary>
    public bool IsConnected => this.connection.IsConnected;

    /// <summary>Why the connection ended, null while connected.</summary>
    public Exception? DisconnectReason => this.connection.Failure;

    /// <summary>Completes when the connection ends.</summary>
    public Task Disconnected => this.connection.Closed;

    /// <summary>Highest zxid seen; pass as LastZxidSeen when resuming the session on another server.</summary>
    public long LastZxid => this.connection.LastZxid;

    /// <summary>Creates a node with the open ACL; returns its actual path (with any sequence suffix).</summary>
    public async Task<string> CreateAsync(string path, byte[] data, CreateMode mode = CreateMode.Persistent)
    {
        var body = await CallAsync(OpCode.Create, path, w =>
                new CreateRequest(path, data, Acl.OpenUnsafe, (int)mode).Write(w)
            )
            .ConfigureAwait(false);
        return PathRecord.Read(body).Path;
    }

    /// <summary>Deletes the node if its version matches (-1: any version).</summary>
    public Task DeleteAsync(string path, int version = -1) =>
        CallAsync(OpCode.Delete, path, w => new PathVersionRequest(path, version).Write(w));

    /// <summary>The node's Stat, or null when it does not exist.</summary>
    public async Task<Stat?> ExistsAsync(string path)
    {
        var reply = await SendAsync(OpCode.Exists, path, w => new PathWatchRequest(path, false).Write(w))
            .ConfigureAwait(false);
        if (reply.Header.Err == (int)ErrorCode.NoNode)
            return null;
        return Stat.Read(Check(reply, path));
    }

    /// <summary>The node's data and Stat; NoNodeException when it does not exist.</summary>
    public async Task<DataResult> GetDataAsync(string path)
    {
        var response = GetDataResponse.Read(
            await CallAsync(OpCode.GetData, path, w => new PathWatchRequest(path, false).Write(w)).ConfigureAwait(false)
        );
        return new DataResult(response.Data, response.Stat);
    }

    /// <summary>Sets the data if the node's version equals <paramref name="version"/> (-1: any); BadVersionException
    /// otherwise. Returns the new Stat.</summary>
    public async Task<Stat> SetDataAsync(string path, byte[] data, int version = -1) =>
        Stat.Read(
            await CallAsync(OpCode.SetData, path, w => new SetDataRequest(path, data, version).Write(w))
                .ConfigureAwait(false)
        );

    /// <summary>Names (not paths) of the node's children, in the server's order.</summary>
    public async Task<IReadOnlyList<string>> GetChildrenAsync(string path) =>
        GetChildrenResponse
            .Read(
                await CallAsync(OpCode.GetChildren, path, w => new PathWatchRequest(path, false).Write(w))
                    .ConfigureAwait(false)
            )
            .Children;

    /// <summary>Waits until this server has caught up with the leader, so following reads are not stale.</summary>
    public Task SyncAsync(string path) => CallAsync(OpCode.Sync, path, w => new PathRecord(path).Write(w));

    /// <summary>
    /// Runs the ops atomically. Returns one result per op on success; throws ZooKeeperMultiException
    /// (definite, with per-op results) when any op fails and the whole multi is rolled back.
    /// </summary>
    public async Task<IReadOnlyList<OpResult>> MultiAsync(IEnumerable<MultiOp> ops)
    {
        var list = ops.ToList();
        var reply = await SendAsync(OpCode.Multi, null, w => MultiCodec.WriteRequest(w, list)).ConfigureAwait(false);
        var body = reply.Body();
        // A failed multi carries per-op ErrorResults; its header error may or may not be set, and an
        // error header without a body is an ordinary error reply.
        if (reply.Header.Err != 0 && body.Remaining == 0)
            Check(reply, null);
        var results = MultiCodec.ReadResponse(body);
        var failed = results.OfType<OpResult.Error>().FirstOrDefault(e => e.Code != ErrorCode.Ok);
        if (failed is not null)
        {
            if (ErrorCodes.IsIndeterminate(failed.Code))
                throw ErrorCodes.ToException(failed.Code, null);
            throw new ZooKeeperMultiException(failed.Code, results);
        }
        if (reply.Header.Err != 0)
            Check(reply, null);
        if (results.Count != list.Count)
            throw new ZooKeeperProtocolException($"multi of {list.Count} ops got {results.Count} results");
        return results;
    }

    /// <summary>Closes the session on the server (ephemerals go away) and the connection. Best effort; never
    /// throws.</summary>
    public Task CloseAsync() => this.connection.CloseAsync();

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => this.connection.DisposeAsync();

    /// <summary>Watch notifications received and ignored (for tests and diagnostics).</summary>
    internal int NotificationsReceived => this.connection.NotificationsReceived;

    /// <summary>Raw access for tests that need requests the public API does not expose (e.g. setting a
    /// watch).</summary>
    internal Task<Reply> SendRawAsync(OpCode op, Action<JuteWriter>? body) => this.connection.SendAsync(op, body);

    private Task<Reply> SendAsync(OpCode op, string? path, Action<JuteWriter> body)
    {
        if (path is null && op != OpCode.Multi)
            throw new ArgumentNullException(nameof(path));
        return this.connection.SendAsync(op, body);
    }

    private async Task<JuteReader> CallAsync(OpCode op, string path, Action<JuteWriter> body) =>
        Check(await SendAsync(op, path, body).ConfigureAwait(false), path);

    // Converts a non-zero reply header error into its exception; returns the body otherwise.
    private static JuteReader Check(Reply reply, string? path)
    {
        if (reply.Header.Err != 0)
            throw ErrorCodes.ToException((ErrorCode)reply.Header.Err, path);
        return reply.Body();
    }
}
