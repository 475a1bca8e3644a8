namespace Checker.ZooKeeper;

/// <summary>
/// Server error codes (org.apache.zookeeper.KeeperException.Code in 3.8). Values the enum does not
/// name can still arrive from newer servers; they are kept as the raw int.
/// </summary>
public enum ErrorCode
{
    Ok = 0,

    // System errors (-1..-99): the server failed internally or the link failed.
    SystemError = -1,
    RuntimeInconsistency = -2,
    DataInconsistency = -3,
    ConnectionLoss = -4,
    MarshallingError = -5,
    Unimplemented = -6,
    OperationTimeout = -7,
    BadArguments = -8,
    UnknownSession = -12,
    NewConfigNoQuorum = -13,
    ReconfigInProgress = -14,

    // API errors (-100 and below): the request was evaluated and refused.
    ApiError = -100,
    NoNode = -101,
    NoAuth = -102,
    BadVersion = -103,
    NoChildrenForEphemerals = -108,
    NodeExists = -110,
    NotEmpty = -111,
    SessionExpired = -112,
    InvalidCallback = -113,
    InvalidAcl = -114,
    AuthFailed = -115,
    SessionMoved = -118,
    NotReadOnly = -119,
    EphemeralOnLocalSession = -120,
    NoWatcher = -121,
    RequestTimeout = -122,
    ReconfigDisabled = -123,
    SessionClosedRequireSaslAuth = -124,
    QuotaExceeded = -125,
    Throttled = -127,
}

/// <summary>Classifies server error codes into definite and indeterminate outcomes.</summary>
public static class ErrorCodes
{
    /// <summary>
    /// True when a reply with this code leaves the request's effect unknown. MarshallingError and the
    /// other internal-failure codes can be raised after a write was applied (e.g. while serialising
    /// the reply), and the timeout/connection codes say nothing about the outcome; every other code
    /// means the server evaluated the request and did not apply it.
    /// </summary>
    public static bool IsIndeterminate(ErrorCode code) =>
        code
            is ErrorCode.SystemError
                or ErrorCode.RuntimeInconsistency
                or ErrorCode.DataInconsistency
                or ErrorCode.ConnectionLoss
                or ErrorCode.MarshallingError
                or ErrorCode.OperationTimeout
                or ErrorCode.RequestTimeout;

    /// <summary>The exception for a server reply carrying <paramref name="code"/> (never Ok).</summary>
    public static Exception ToException(ErrorCode code, string? path) =>
        IsIndeterminate(code)
            ? new ZooKeeperIndeterminateException(
                IndeterminateReason.ServerError,
                $"server answered {code} ({(int)code}){At(path)}",
                code
            )
            : code switch
            {
                ErrorCode.NoNode => new NoNodeException(path),
                ErrorCode.NodeExists => new NodeExistsException(path),
                ErrorCode.BadVersion => new BadVersionException(path),
                ErrorCode.NotEmpty => new NotEmptyException(path),
                ErrorCode.SessionExpired => new SessionExpiredException($"session expired{At(path)}"),
                _ => new ZooKeeperException(code, path),
            };

    internal static string At(string? path) => path is null ? "" : $" for {path}";
}
