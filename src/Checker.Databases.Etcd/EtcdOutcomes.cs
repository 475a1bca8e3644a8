using System.Net.Sockets;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>What an error says about whether an operation took effect.</summary>
internal enum ErrorFate
{
    /// <summary>It certainly did not take effect: the history records fail.</summary>
    Fail,

    /// <summary>It may have taken effect, now or later: the history records info.</summary>
    Info,

    /// <summary>Fail if the client never had a connection to send it on, else info.</summary>
    FailIfNeverSent,
}

/// <summary>
/// How each gRPC status of an etcd call becomes fail or info. A read changes nothing, so any error
/// on a read is a fail (Knossos drops it); the table decides for writes and compare-and-sets.
/// A failed compare is no error at all: the txn answers OK with succeeded = false, a definite fail.
/// When the table is unsure, it says info: info costs the checker time, a wrong fail costs a wrong verdict.
/// </summary>
internal static class EtcdOutcomes
{
    public static readonly IReadOnlyDictionary<StatusCode, (ErrorFate Fate, string Reason)> Table = new Dictionary<
        StatusCode,
        (ErrorFate, string)
    >
    {
        [StatusCode.Cancelled] = (
            ErrorFate.Info,
            "the client gave up (run ending); the request may already be with the server"
        ),
        [StatusCode.Unknown] = (
            ErrorFate.Info,
            "an error the server did not classify; nothing says the request was not applied"
        ),
        [StatusCode.InvalidArgument] = (
            ErrorFate.Fail,
            "etcd rejects a malformed request (empty key, txn too large) before proposing it"
        ),
        [StatusCode.DeadlineExceeded] = (
            ErrorFate.Info,
            "the deadline passed while the request may be in the raft log; it can still commit"
        ),
        [StatusCode.NotFound] = (ErrorFate.Fail, "etcd checked and found no such lease or member; nothing was written"),
        [StatusCode.AlreadyExists] = (ErrorFate.Fail, "etcd refused to create what exists; nothing was written"),
        [StatusCode.PermissionDenied] = (ErrorFate.Fail, "auth refused the request before it was proposed"),
        [StatusCode.ResourceExhausted] = (
            ErrorFate.Fail,
            "too many requests or no space: refused before proposing, or rejected when applied"
        ),
        [StatusCode.FailedPrecondition] = (
            ErrorFate.Fail,
            "etcd refused the request for the cluster's state before proposing it"
        ),
        [StatusCode.Aborted] = (ErrorFate.Info, "etcd does not return Aborted; of unknown origin, so unknown"),
        [StatusCode.OutOfRange] = (
            ErrorFate.Fail,
            "the revision asked for is compacted or in the future; nothing was done"
        ),
        [StatusCode.Unimplemented] = (ErrorFate.Fail, "the server has no such method; nothing was done"),
        [StatusCode.Internal] = (
            ErrorFate.Info,
            "a server or HTTP/2 failure mid-call; the request may have been applied"
        ),
        [StatusCode.Unavailable] = (
            ErrorFate.FailIfNeverSent,
            "no connection could be made: never sent, so fail; a dropped connection, 'request timed out' or "
                + "'leader changed' after sending: the request may commit, so info"
        ),
        [StatusCode.DataLoss] = (ErrorFate.Info, "the server reports lost data; nothing is certain"),
        [StatusCode.Unauthenticated] = (
            ErrorFate.Fail,
            "the request carried no valid token and was refused before it was proposed"
        ),
    };

    /// <summary>The completion for a failed call that changes nothing (a range): a fail, whatever the error.</summary>
    public static Completion ForRead(RpcException e) => Completion.Fail(Describe(e));

    /// <summary>The completion for a failed call that would change state (write, cas).</summary>
    public static Completion ForMutation(RpcException e)
    {
        var reason = Describe(e);
        var fate = Table.TryGetValue(e.StatusCode, out var row) ? row.Fate : ErrorFate.Info;
        return fate switch
        {
            ErrorFate.Fail => Completion.Fail(reason),
            ErrorFate.FailIfNeverSent when NeverConnected(e) => Completion.Fail($"not sent: {reason}"),
            _ => Completion.Info(reason),
        };
    }

    /// <summary>
    /// Grpc.Net.Client's status for a call its balancer failed at pick time: the channel's one subchannel
    /// had no connection (its last connect failed, and it may be backing off before the next). A call
    /// that is not wait-for-ready fails there, before any HTTP request exists, whatever the connect error
    /// was (refused, reset by a member that was dying, timed out). Should the library reword it, such
    /// errors fall back to info: slower to check, never a wrong fail.
    /// </summary>
    public const string SubchannelConnectFailure = "Error connecting to subchannel.";

    /// <summary>
    /// True when the error says no connection to the server was made for this call. A call needs an
    /// open HTTP/2 connection before any byte of it is sent, and the channel here never retries, so
    /// such a call did not reach the server. Four shapes say so: the balancer's pick failure (above),
    /// the channel's own connect failure (a bare SocketException from connecting), ECONNREFUSED anywhere
    /// (connect is the only call that returns it), HttpClient's ConnectionError ("a transport-level
    /// failure while connecting"), and an HTTP/2 handshake the server never completed (HttpClient sends a
    /// request only on a connection whose handshake finished; seen when a dead member's port answers with
    /// a reset). An unreachable host inside a read or write error is not one of them: that connection was
    /// open.
    /// </summary>
    public static bool NeverConnected(RpcException e)
    {
        if (e.StatusCode != StatusCode.Unavailable)
            return false;
        if (e.Status.Detail == SubchannelConnectFailure)
            return true;
        if (
            e.Status.DebugException is SocketException
            {
                SocketErrorCode: SocketError.ConnectionRefused
                    or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable
                    or SocketError.AddressNotAvailable
                    or SocketError.TimedOut
            }
        )
            return true;
        for (Exception? x = e.Status.DebugException; x is not null; x = x.InnerException)
        {
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                return true;
            if (x is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
                return true;
            if (
                x is HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse } io
                && io.Message.Contains(Http2HandshakeNotCompleted, StringComparison.Ordinal)
            )
                return true;
        }
        return false;
    }

    /// <summary>HttpClient's words for a connection whose HTTP/2 handshake the server did not complete.</summary>
    public const string Http2HandshakeNotCompleted = "did not complete the HTTP/2 handshake";

    /// <summary>A one-line reason for the history: the status and etcd's own message.
    /// A pick failure also names the connect error behind it, which its detail alone does not.</summary>
    public static string Describe(RpcException e) =>
        (e.Status.Detail, e.Status.DebugException) switch
        {
            (null or "", var cause) => $"{e.StatusCode}: {cause?.Message}",
            (SubchannelConnectFailure, { } cause) => $"{e.StatusCode}: {SubchannelConnectFailure} ({cause.Message})",
            (var detail, _) => $"{e.StatusCode}: {detail}",
        };
}
