using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// A queue in etcd: an enqueue puts prefix/queue/ELEMENT (the element as its value); the key's create
/// revision is its place in line. A dequeue reads the oldest few keys in one linearizable range and
/// claims the first it can with a txn: if the key's mod revision is still the one seen, delete it.
/// Whoever's delete commits owns the element; a failed compare means someone else took it, so it
/// tries the next. An empty linearizable range is certain: the dequeue fails "empty".
/// In deliver-twice mode, a share (faultProbability) of the dequeues answers the oldest element
/// without deleting it.
/// </summary>
internal sealed class EtcdQueues(
    IReadOnlyList<(string Host, int Port)> nodes,
    string prefix,
    TimeSpan opTimeout,
    TimeSpan connectTimeout,
    double faultProbability,
    int seed
) : EtcdFactory(nodes, opTimeout, connectTimeout, faultProbability, seed)
{
    /// <summary>How many of the oldest elements one range reads, so concurrent dequeues need not all fight over the
    /// first.</summary>
    public const int Candidates = 4;

    readonly string elements = $"{prefix}/queue/";

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(Nodes[node], this, dice);

    sealed class Client((string Host, int Port) node, EtcdQueues queue, ClientFaults.Dice dice)
        : EtcdWorkerClient(node, queue.OpTimeout, queue.ConnectTimeout)
    {
        protected override Task<Completion> PerformAsync(Invocation op, DateTime deadline, CancellationToken ct) =>
            op.F switch
            {
                QueueWorkload.Enqueue => EnqueueAsync((long)op.Value!, deadline, ct),
                QueueWorkload.Dequeue => DequeueAsync(deadline, ct),
                _ => Task.FromResult(Completion.Fail($"unknown f {op.F}")),
            };

        async Task<Completion> EnqueueAsync(long element, DateTime deadline, CancellationToken ct)
        {
            var text = element.ToString(CultureInfo.InvariantCulture);
            try
            {
                await Etcd.PutAsync(
                    new PutRequest
                    {
                        Key = ByteString.CopyFromUtf8(queue.elements + text),
                        Value = ByteString.CopyFromUtf8(text),
                    },
                    deadline: deadline,
                    cancellationToken: ct
                );
                return Completion.Ok(element);
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForMutation(e);
            }
        }

        /// <summary>
        /// Every claim that ends before the one that succeeds failed its compare: it certainly took
        /// nothing. So a range that errs, or a deadline reached between claims, is a plain fail; only
        /// a claim that errs leaves the dequeue unknown.
        /// </summary>
        async Task<Completion> DequeueAsync(DateTime deadline, CancellationToken ct)
        {
            while (DateTime.UtcNow < deadline)
            {
                var range = RangeOver(queue.elements);
                range.SortTarget = RangeRequest.Types.SortTarget.Create;
                range.SortOrder = RangeRequest.Types.SortOrder.Ascend;
                range.Limit = Candidates;
                RangeResponse oldest;
                try
                {
                    oldest = await Etcd.GetAsync(range, deadline: deadline, cancellationToken: ct);
                }
                catch (RpcException e)
                {
                    return EtcdOutcomes.ForRead(e);
                }
                if (oldest.Kvs.Count == 0)
                    return Completion.Fail(QueueWorkload.Empty);
                if (dice.Misbehaves())
                    return Completion.Ok(Parse(oldest.Kvs[0].Value)); // deliver-twice: taken, but left in the queue
                foreach (var kv in oldest.Kvs)
                {
                    var claim = new TxnRequest();
                    claim.Compare.Add(
                        new Compare
                        {
                            Key = kv.Key,
                            Target = Compare.Types.CompareTarget.Mod,
                            Result = Compare.Types.CompareResult.Equal,
                            ModRevision = kv.ModRevision,
                        }
                    );
                    claim.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = kv.Key } });
                    try
                    {
                        if ((await Etcd.TransactionAsync(claim, deadline: deadline, cancellationToken: ct)).Succeeded)
                            return Completion.Ok(Parse(kv.Value));
                    }
                    catch (RpcException e)
                    {
                        return EtcdOutcomes.ForMutation(e);
                    }
                }
            }
            return Completion.Fail("every element seen was taken by others before the op timed out");
        }
    }

    static long Parse(ByteString value) => long.Parse(value.ToStringUtf8(), CultureInfo.InvariantCulture);
}
