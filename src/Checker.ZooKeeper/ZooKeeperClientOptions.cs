namespace Checker.ZooKeeper;

/// <summary>Settings for one <see cref="ZooKeeperClient"/> connection (a record: derive one with
/// <c>with</c>).</summary>
public sealed record ZooKeeperClientOptions
{
    /// <summary>Requested session timeout; the server clamps it to [2, 20] ticks and reports the result.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may wait for its reply before it completes as indeterminate.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on TCP connect plus session handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long CloseAsync waits for the server to confirm closeSession (capped by RequestTimeout).
    /// Without the confirmation the session still ends, by expiring after its timeout.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Non-zero to resume an existing session (with <see cref="SessionPassword"/>).</summary>
    public long SessionId { get; init; }

    /// <summary>The password of the session being resumed; null for a new session.</summary>
    public byte[]? SessionPassword { get; init; }

    /// <summary>
    /// Highest zxid the session has seen (ZooKeeperClient.LastZxid of the previous connection);
    /// a server that is behind it refuses the session instead of serving stale reads.
    /// </summary>
    public long LastZxidSeen { get; init; }

    /// <summary>Accept a read-only server (one cut off from its quorum).</summary>
    public bool CanBeReadOnly { get; init; }

    /// <summary>
    /// Largest frame accepted from the server; anything longer is a protocol error. Bounds memory per
    /// frame. The default is well above ZooKeeper's 1 MiB jute.maxbuffer.
    /// </summary>
    public int MaxFrameLength { get; init; } = 16 * 1024 * 1024;
}
