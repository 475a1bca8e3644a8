using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// What every etcd workload client shares: a channel of its own to one member, opened before the
/// first op (a member it cannot reach fails the op: nothing was sent), one deadline per op, and the
/// channel closed on dispose. A workload client adds how each op maps onto etcd calls.
/// </summary>
internal abstract class EtcdWorkerClient((string Host, int Port) node, TimeSpan opTimeout, TimeSpan connectTimeout)
    : IClient
{
    EtcdChannel? channel;

    /// <summary>The open channel's client (only within PerformAsync).</summary>
    protected EtcdClient Etcd => channel!.Client;

    /// <summary>The open channel's watch service (only within PerformAsync).</summary>
    protected Watch.WatchClient Watches => channel!.Watches;

    public async Task OpenAsync(CancellationToken ct)
    {
        if (channel is not null)
            return;
        var opened = new EtcdChannel(node.Host, node.Port, connectTimeout);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(connectTimeout);
            await opened.ConnectAsync(cts.Token);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
        channel = opened;
    }

    public async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct)
    {
        try
        {
            await OpenAsync(ct);
        }
        catch (Exception e)
            when (e is OperationCanceledException or RpcException or IOException or HttpRequestException)
        {
            if (ct.IsCancellationRequested)
                return Completion.Fail("cancelled before sending");
            return await ConnectFailure.AfterBackoffAsync(e);
        }
        return await PerformAsync(op, DateTime.UtcNow + opTimeout, ct);
    }

    /// <summary>Performs one op on the open channel by the deadline; a database error becomes Fail or Info, never an
    /// exception.</summary>
    protected abstract Task<Completion> PerformAsync(Invocation op, DateTime deadline, CancellationToken ct);

    /// <summary>Called before the channel closes, while it still works (e.g. to give back a lease).</summary>
    protected virtual Task BeforeCloseAsync() => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (channel is null)
            return;
        try
        {
            await BeforeCloseAsync();
        }
        finally
        {
            channel.Dispose();
            channel = null;
        }
    }

    /// <summary>A range over every key that starts with prefix (etcd's range end: the prefix with its last byte
    /// raised).</summary>
    public static RangeRequest RangeOver(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        var end = (byte[])bytes.Clone();
        end[^1]++; // the prefixes here end in '/', never in 0xff
        return new RangeRequest { Key = ByteString.CopyFrom(bytes), RangeEnd = ByteString.CopyFrom(end) };
    }
}
