using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// What every ZooKeeper workload client does the same way: one session to its node, opened again
/// (a new session) when the connection was lost, never behind what it has already seen; an op whose
/// connect fails is a fail, since nothing was sent.
/// </summary>
internal abstract class ZooKeeperWorkerClient((string Host, int Port) node, ZooKeeperClientOptions options) : IClient
{
    long lastZxid;
    volatile bool disposed;

    /// <summary>The open session, once OpenAsync succeeded.</summary>
    protected ZooKeeperClient? Zk { get; private set; }

    /// <summary>The highest zxid this client has seen, over all its sessions.</summary>
    protected long LastZxid => Math.Max(lastZxid, Zk?.LastZxid ?? 0);

    /// <summary>Opens a new session unless the current one is connected.</summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        if (Zk is { IsConnected: true })
            return;
        await DropSessionAsync();
        await AdoptAsync(await ZooKeeperClient.ConnectAsync(node.Host, node.Port, OptionsFor(0, null), ct));
    }

    /// <summary>
    /// The client options for a session: the workload's options with every setting kept, sessionId non-zero
    /// resumes that session. LastZxidSeen: a server that has seen less than this client refuses it rather
    /// than answer from the past.
    /// </summary>
    protected ZooKeeperClientOptions OptionsFor(long sessionId, byte[]? password) =>
        options with
        {
            LastZxidSeen = LastZxid,
            SessionId = sessionId,
            SessionPassword = password,
        };

    /// <summary>Closes the current session (its ephemeral znodes go with it), keeping its last zxid.</summary>
    protected async Task DropSessionAsync()
    {
        if (Zk is null)
            return;
        lastZxid = LastZxid;
        var old = Zk;
        Zk = null;
        await old.DisposeAsync();
    }

    /// <summary>
    /// Makes a connection the current one (for a resumed session, the old connection is gone and its
    /// session lives on in the new one). A client disposed meanwhile (the worker gave up on an op still
    /// running) closes it instead: nothing may keep a session alive after the worker let go of it.
    /// </summary>
    protected async Task AdoptAsync(ZooKeeperClient connected)
    {
        if (disposed)
        {
            await connected.DisposeAsync();
            throw new ObjectDisposedException(GetType().Name);
        }
        await DropSessionAsync();
        Zk = connected;
    }

    /// <summary>Opens the session if needed (a failed connect is a fail: nothing was sent), then performs the
    /// op.</summary>
    public virtual async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct)
    {
        if (await TryOpenAsync(ct) is { } notOpen)
            return notOpen;
        return await PerformAsync(op, Zk!, ct);
    }

    /// <summary>Null once a session is open; else the fail of an op that could not be sent.</summary>
    protected async Task<Completion?> TryOpenAsync(CancellationToken ct)
    {
        try
        {
            await OpenAsync(ct);
        }
        catch (Exception e) when (IsConnectError(e))
        {
            return await ConnectFailure.AfterBackoffAsync(e);
        }
        return null;
    }

    /// <summary>The errors of a failed connect or session resumption.</summary>
    protected static bool IsConnectError(Exception e) =>
        e is ZooKeeperConnectException or ZooKeeperException or ZooKeeperIndeterminateException or IOException;

    /// <summary>Performs the op on the open session; database errors become Fail or Info, never exceptions.</summary>
    protected abstract Task<Completion> PerformAsync(Invocation op, ZooKeeperClient zk, CancellationToken ct);

    /// <summary>Closes the session; from now on no connection is kept.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        disposed = true;
        await DropSessionAsync();
        GC.SuppressFinalize(this);
    }
}
