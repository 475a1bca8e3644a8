namespace Checker.ZooKeeper;

// Two families, because a tester records them differently:
//   ZooKeeperException                 DEFINITE: the request did not take effect  -> record as :fail
//   ZooKeeperIndeterminateException    UNKNOWN: it may or may not have happened   -> record as :info
// ZooKeeperProtocolException is indeterminate too: once the server's bytes stop making sense,
// nothing can be said about requests that were in flight.

/// <summary>
/// DEFINITE failure: the server evaluated the request and refused it (or it was never sent), so it
/// did not take effect. <see cref="Code"/> says why.
/// </summary>
public class ZooKeeperException : Exception
{
    /// <summary>Creates the exception for <paramref name="code"/> on <paramref name="path"/>.</summary>
    public ZooKeeperException(ErrorCode code, string? path, string? message = null)
        : base(message ?? $"{code} ({(int)code}){ErrorCodes.At(path)}")
    {
        Code = code;
        Path = path;
    }

    /// <summary>The server's error code.</summary>
    public ErrorCode Code { get; }

    /// <summary>The path the failed request was about, when there was one.</summary>
    public string? Path { get; }
}

/// <summary>DEFINITE: the node does not exist.</summary>
public sealed class NoNodeException(string? path) : ZooKeeperException(ErrorCode.NoNode, path);

/// <summary>DEFINITE: create found the node already there.</summary>
public sealed class NodeExistsException(string? path) : ZooKeeperException(ErrorCode.NodeExists, path);

/// <summary>DEFINITE: the expected version did not match (a failed compare-and-set).</summary>
public sealed class BadVersionException(string? path) : ZooKeeperException(ErrorCode.BadVersion, path);

/// <summary>DEFINITE: delete of a node that still has children.</summary>
public sealed class NotEmptyException(string? path) : ZooKeeperException(ErrorCode.NotEmpty, path);

/// <summary>DEFINITE: the session is expired (or the resume password was wrong); the client is unusable.</summary>
public sealed class SessionExpiredException(string message)
    : ZooKeeperException(ErrorCode.SessionExpired, null, message);

/// <summary>
/// DEFINITE: the request was refused before it was written to the socket because the connection is
/// already closed or lost. Code is ConnectionLoss; nothing reached the server.
/// </summary>
public sealed class ZooKeeperNotConnectedException(string message, Exception? cause)
    : ZooKeeperException(ErrorCode.ConnectionLoss, null, message)
{
    /// <summary>Why the connection ended (null after an orderly close).</summary>
    public Exception? Cause { get; } = cause;
}

/// <summary>
/// DEFINITE: a multi was rolled back as a whole. <see cref="ZooKeeperException.Code"/> is the first
/// failing op's code; <see cref="Results"/> has one entry per op (ErrorResult for each).
/// </summary>
public sealed class ZooKeeperMultiException(ErrorCode code, IReadOnlyList<OpResult> results)
    : ZooKeeperException(code, null, $"multi failed: {code} at op {IndexOf(results, code)}")
{
    /// <summary>Per-op results in request order.</summary>
    public IReadOnlyList<OpResult> Results { get; } = results;

    private static int IndexOf(IReadOnlyList<OpResult> results, ErrorCode code)
    {
        for (int i = 0; i < results.Count; i++)
            if (results[i] is OpResult.Error e && e.Code == code)
                return i;
        return -1;
    }
}

/// <summary>Why an outcome is unknown.</summary>
public enum IndeterminateReason
{
    /// <summary>No reply within the request timeout.</summary>
    Timeout,

    /// <summary>The connection ended (closed, reset, pings unanswered) before the reply arrived.</summary>
    ConnectionLost,

    /// <summary>The server sent malformed data.</summary>
    ProtocolError,

    /// <summary>The server answered with an error code that does not say whether the op applied.</summary>
    ServerError,
}

/// <summary>
/// INDETERMINATE: the request may or may not have taken effect (timeout, connection lost before the
/// reply, malformed reply, or a server error that does not tell).
/// </summary>
public class ZooKeeperIndeterminateException : Exception
{
    /// <summary>Creates the exception; <paramref name="serverCode"/> only for ServerError.</summary>
    public ZooKeeperIndeterminateException(
        IndeterminateReason reason,
        string message,
        ErrorCode? serverCode = null,
        Exception? inner = null
    )
        : base(message, inner)
    {
        Reason = reason;
        ServerCode = serverCode;
    }

    /// <summary>Why the outcome is unknown.</summary>
    public IndeterminateReason Reason { get; }

    /// <summary>The server's error code when Reason is ServerError.</summary>
    public ErrorCode? ServerCode { get; }
}

/// <summary>
/// INDETERMINATE (for requests in flight): the server sent bytes that are not valid ZooKeeper
/// protocol (absurd frame length, truncated record, reply out of order). The connection is closed.
/// Also thrown by ConnectAsync when the handshake reply is malformed.
/// </summary>
public sealed class ZooKeeperProtocolException(string message, Exception? inner = null)
    : ZooKeeperIndeterminateException(IndeterminateReason.ProtocolError, message, null, inner);

/// <summary>
/// ConnectAsync could not establish a session (refused, unreachable, timed out, closed during the
/// handshake). No operation was attempted, so there is nothing to record as fail or info.
/// </summary>
public sealed class ZooKeeperConnectException(string message, Exception? inner = null) : Exception(message, inner);
