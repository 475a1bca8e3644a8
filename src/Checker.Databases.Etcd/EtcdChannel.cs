using Checker.Runner.Databases;
using dotnet_etcd;
using Grpc.Net.Client;

namespace Checker.Databases.Etcd;

/// <summary>
/// A dotnet-etcd client on a channel of our own to one member. dotnet-etcd's own channels retry
/// Unavailable calls up to five times; a retried write can apply twice or outlive its op in the
/// history, so this channel has no retry policy: one call, one attempt, one honest outcome.
/// </summary>
internal sealed class EtcdChannel : IDisposable
{
    readonly GrpcChannel channel;

    public EtcdClient Client { get; }

    /// <summary>etcd's watch service on the same connection: one stream per call, nothing shared or retried.</summary>
    public Etcdserverpb.Watch.WatchClient Watches { get; }

    public EtcdChannel(string host, int port, TimeSpan connectTimeout)
    {
        channel = GrpcChannel.ForAddress(
            $"http://{host}:{port}",
            new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    ConnectTimeout = connectTimeout,
                    // Pings find a silently dead connection (a paused member) instead of waiting on it forever.
                    KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                    KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                },
                DisposeHttpClient = true,
                // a cancelled call is an RpcException(Cancelled), classified like the rest
                ThrowOperationCanceledOnCancellation = false,
            }
        );
        var invoker = channel.CreateCallInvoker();
        Client = new EtcdClient(invoker);
        Watches = new Etcdserverpb.Watch.WatchClient(invoker);
    }

    /// <summary>Opens the connection now, so a member that is down fails the op that needed it before anything is
    /// sent.</summary>
    public Task ConnectAsync(CancellationToken ct) => channel.ConnectAsync(ct);

    public void Dispose()
    {
        Client.Dispose();
        channel.Dispose();
    }
}
