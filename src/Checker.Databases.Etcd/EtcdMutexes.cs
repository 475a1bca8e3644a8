using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// One lock in etcd, the key prefix/mutex/lock, held by whoever created it. An acquire grants a lease
/// and tries a txn: if the lock key was never created (create revision 0), put it with this holder's
/// id, attached to the lease. When the key is taken, the acquire waits on a watch for the key's
/// deletion from the revision right after its refused txn (so a release between the two is not
/// missed), then tries again: a waiter wakes when the lock is freed, not at a poll interval. The txn
/// alone decides who holds the lock; the watch only says when to try. A release is a txn: if the
/// lock key holds this holder's id, delete it; then the lease is revoked. An acquire that finds the
/// lock taken until its wait bound (half the op timeout) fails: nothing is held.
///
/// The lease is what frees the lock when its holder dies or is cut off mid-op (its key goes when the
/// lease runs out or is revoked), and also what can take the lock from a live holder that does not
/// know: etcd's lock is a lease. The lease is not kept alive; its TTL (<see cref="LeaseTtl"/>) covers
/// the acquire's poll and the hold, since a worker releases with its very next op, and is short so
/// that a lock orphaned by a lost holder does not block everyone for long. A client retired after an
/// unknown op revokes its lease; if etcd cannot be reached then, the next acquire of any client tries
/// again. A holder whose lease ran out anyway finds its key gone at release: the release is recorded
/// ok (the lock is free after it) with an error saying the lease expired while held, and a process
/// that took the lock before that release shows as an overlap.
/// In grant-twice mode, a share (faultProbability) of the acquires answers ok without taking the lock (etcd sees
/// nothing), and their releases answer ok without sending anything.
/// </summary>
internal sealed class EtcdMutexes(
    IReadOnlyList<(string Host, int Port)> nodes,
    string prefix,
    TimeSpan opTimeout,
    TimeSpan connectTimeout,
    double faultProbability,
    int seed
) : EtcdFactory(nodes, opTimeout, connectTimeout, faultProbability, seed)
{
    public const string LeaseExpired = "the lock was already gone: its lease expired while held";

    readonly ByteString lockKey = ByteString.CopyFromUtf8($"{prefix}/mutex/lock");

    /// <summary>Leases of retired clients that could not be revoked when they closed; one may still hold the
    /// lock.</summary>
    readonly System.Collections.Concurrent.ConcurrentQueue<long> orphans = new();
    int expired;

    /// <summary>
    /// The lease's time to live in seconds: at least 5, and two op timeouts. An acquire ok comes at
    /// most half an op timeout (its wait) after the grant, so a holder that releases within its next
    /// op keeps the lease for its whole hold unless it stalls for longer than an op timeout.
    /// </summary>
    public long LeaseTtl { get; } = Math.Max(5, (long)Math.Ceiling(2 * opTimeout.TotalSeconds));

    /// <summary>How many releases found their lock gone because its lease had expired while held.</summary>
    public int ExpiredReleases => Volatile.Read(ref expired);

    int takeTries;

    /// <summary>
    /// How many times acquires sent their txn to take the lock: once each, and once more for each wake after
    /// the lock was freed.
    /// </summary>
    internal int TakeTries => Volatile.Read(ref takeTries);

    /// <summary>
    /// The metadata etcd's own clients send for a watch that must end when its member loses the leader
    /// (clientv3's WithRequireLeader); without it, a watch on a cut-off member waits silently.
    /// </summary>
    static readonly Metadata RequireLeader = new() { { "hasleader", "true" } };

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(Nodes[node], this, dice);

    sealed class Client((string Host, int Port) node, EtcdMutexes mutex, ClientFaults.Dice dice)
        : EtcdWorkerClient(node, mutex.OpTimeout, mutex.ConnectTimeout)
    {
        /// <summary>The lease of the lock this client holds or may hold (after an unknown outcome); 0 for
        /// none.</summary>
        long lease;

        /// <summary>What this client last wrote into the lock key: its holder id for one acquire.</summary>
        ByteString? holder;
        bool held,
            fake;

        protected override Task<Completion> PerformAsync(Invocation op, DateTime deadline, CancellationToken ct) =>
            op.F switch
            {
                MutexWorkload.Acquire => AcquireAsync(deadline, ct),
                MutexWorkload.Release => ReleaseAsync(deadline, ct),
                _ => Task.FromResult(Completion.Fail($"unknown f {op.F}")),
            };

        async Task<Completion> AcquireAsync(DateTime deadline, CancellationToken ct)
        {
            if (held)
                return Completion.Fail("already held by this process (its last release was not sent)");
            if (dice.Misbehaves())
            {
                held = fake = true; // grant-twice: ok, and etcd never saw it
                return Completion.Ok(null);
            }
            await RevokeOrphansAsync(deadline);
            try
            {
                lease = (
                    await Etcd.LeaseGrantAsync(
                        new LeaseGrantRequest { TTL = mutex.LeaseTtl },
                        deadline: deadline,
                        cancellationToken: ct
                    )
                ).ID;
            }
            catch (RpcException e)
            {
                return Completion.Fail($"lease grant: {EtcdOutcomes.Describe(e)}");
            } // the lock was not touched
            holder = ByteString.CopyFromUtf8(Guid.NewGuid().ToString("N"));
            var take = new TxnRequest();
            take.Compare.Add(
                new Compare
                {
                    Key = mutex.lockKey,
                    Target = Compare.Types.CompareTarget.Create,
                    Result = Compare.Types.CompareResult.Equal,
                    CreateRevision = 0,
                }
            );
            take.Success.Add(
                new RequestOp
                {
                    RequestPut = new PutRequest
                    {
                        Key = mutex.lockKey,
                        Value = holder,
                        Lease = lease,
                    },
                }
            );
            var waitUntil = DateTime.UtcNow + 0.5 * mutex.OpTimeout;
            while (true)
            {
                TxnResponse taken;
                try
                {
                    Interlocked.Increment(ref mutex.takeTries);
                    taken = await Etcd.TransactionAsync(take, deadline: deadline, cancellationToken: ct);
                }
                catch (RpcException e)
                {
                    var outcome = EtcdOutcomes.ForMutation(e);
                    if (outcome.Type == Core.History.OpType.Fail)
                        await RevokeAsync(); // nothing taken; an unknown one keeps its lease until dispose
                    return outcome;
                }
                if (taken.Succeeded)
                {
                    held = true;
                    return Completion.Ok(null);
                }
                if (DateTime.UtcNow >= waitUntil || ct.IsCancellationRequested)
                    break;
                var waitEnd = waitUntil < deadline ? waitUntil : deadline;
                if (!await WaitForReleaseAsync(taken.Header.Revision + 1, waitEnd, ct))
                {
                    // The watch could not be kept (its member lost the leader, or the stream broke): do not spin on it.
                    try
                    {
                        await Task.Delay(dice.Random.Next(50, 150), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
            await RevokeAsync();
            return Completion.Fail($"{Core.Workloads.MutexChecker.NotGrantedError}: the lock stayed held by another");
        }

        /// <summary>
        /// Waits until the lock key is deleted at or after revision `from` (a release, or its lease ending), or
        /// until `until`. True when the wait ended as the watch said (a deletion, or the time was up); false when
        /// the watch itself failed.
        /// </summary>
        async Task<bool> WaitForReleaseAsync(long from, DateTime until, CancellationToken ct)
        {
            using var call = Watches.Watch(RequireLeader, until, ct);
            try
            {
                var create = new WatchCreateRequest { Key = mutex.lockKey, StartRevision = from };
                create.Filters.Add(WatchCreateRequest.Types.FilterType.Noput); // only deletions wake a waiter
                await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, ct);
                while (await call.ResponseStream.MoveNext(ct))
                {
                    var response = call.ResponseStream.Current;
                    if (response.Canceled)
                        return false; // e.g. the revision was compacted: try the txn again
                    if (response.Events.Any(e => e.Type == Mvccpb.Event.Types.EventType.Delete))
                        return true;
                }
                return false;
            }
            catch (RpcException e)
            {
                return e.StatusCode == StatusCode.DeadlineExceeded;
            }
            // Cancelled, or the stream ended before the watch was sent: the wait is over, the txn decides.
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
            {
                return false;
            }
        }

        async Task<Completion> ReleaseAsync(DateTime deadline, CancellationToken ct)
        {
            if (!held)
                return Completion.Fail("not held"); // nothing sent
            if (fake)
            {
                held = fake = false;
                return Completion.Ok(null);
            }
            var give = new TxnRequest();
            give.Compare.Add(
                new Compare
                {
                    Key = mutex.lockKey,
                    Target = Compare.Types.CompareTarget.Value,
                    Result = Compare.Types.CompareResult.Equal,
                    Value = holder,
                }
            );
            give.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = mutex.lockKey } });
            bool deleted;
            try
            {
                deleted = (await Etcd.TransactionAsync(give, deadline: deadline, cancellationToken: ct)).Succeeded;
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForMutation(e);
            } // fail: still held; info: the process retires, dispose revokes the lease
            held = false;
            await RevokeAsync();
            // Only this holder deletes its key; if the key is gone or another's, the lease ran out and etcd deleted it.
            if (deleted)
                return Completion.Ok(null);
            Interlocked.Increment(ref mutex.expired);
            return new Completion(Core.History.OpType.Ok, null, LeaseExpired);
        }

        /// <summary>Gives the lease back (the lock key goes with it); one that etcd did not confirm is left for the
        /// next acquire to give back.</summary>
        async Task RevokeAsync()
        {
            if (lease == 0)
                return;
            var id = lease;
            lease = 0;
            if (!await TryRevokeAsync(id, DateTime.UtcNow.AddSeconds(1)))
                mutex.orphans.Enqueue(id);
        }

        /// <summary>Gives back the leases of retired clients, as far as the deadline allows.</summary>
        async Task RevokeOrphansAsync(DateTime deadline)
        {
            for (var n = mutex.orphans.Count; n > 0 && mutex.orphans.TryDequeue(out var id); n--)
                if (
                    !await TryRevokeAsync(
                        id,
                        new DateTime(Math.Min(deadline.Ticks, DateTime.UtcNow.AddSeconds(1).Ticks), DateTimeKind.Utc)
                    )
                )
                {
                    mutex.orphans.Enqueue(id);
                    return; // etcd is out of reach: the acquire will find out itself
                }
        }

        /// <summary>True when the lease is gone: revoked now, or already (it ran out).</summary>
        async Task<bool> TryRevokeAsync(long id, DateTime deadline)
        {
            try
            {
                await Etcd.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }, deadline: deadline);
                return true;
            }
            catch (RpcException e)
            {
                return e.StatusCode == StatusCode.NotFound;
            }
        }

        /// <summary>A client retired after an unknown acquire or release may hold the lock: revoking its lease frees
        /// it.</summary>
        protected override Task BeforeCloseAsync() => RevokeAsync();
    }
}
