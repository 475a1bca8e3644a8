using System.Diagnostics;
using System.Globalization;
using Checker.Core.History;
using Checker.Core.Workloads;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using static Checker.Databases.ZooKeeper.ZooKeeperOutcomes;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// ZooKeeper's lock recipe without watches: an acquire creates an ephemeral sequential child of
/// root/lock and holds the lock once its child is the lowest; until then it polls the children, up to
/// half the op timeout, then withdraws its child and fails (info when the withdrawal is not
/// confirmed). A release deletes the child. The lock lives as long as the holder's session: a holder
/// whose connection broke resumes its session (its own node first, then the others) to release; if
/// the session had expired, the ensemble already deleted the child, so the lock was lost at some
/// unknown moment before: the release is ok (nothing is held) and says so, and ExpiredHolders counts
/// it. A client given up after an unknown outcome closes its session (resuming it if need be), so
/// that a child it may have left does not block the lock until the session expires.
/// In grant-twice mode an acquire is, with the fault probability, answered ok without a child.
/// </summary>
internal sealed class ZooKeeperMutexes(
    IReadOnlyList<(string Host, int Port)> nodes,
    string root,
    ZooKeeperClientOptions options,
    double faultProbability,
    int seed
) : ZooKeeperFactory(nodes, root + "/lock", options, faultProbability, seed)
{
    public const string SessionExpired = "session expired while holding: the lock was lost before this release";

    /// <summary>The znode under which the lock lives.</summary>
    public string Root => root;
    int expiredHolders;

    /// <summary>How many holders found that their session had expired (each lost the lock without knowing).</summary>
    public int ExpiredHolders => Volatile.Read(ref expiredHolders);

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(node, this, dice);

    /// <summary>The lock's children now, lowest first, read through the first node (for tests).</summary>
    internal async Task<List<string>> ContendersAsync(CancellationToken ct)
    {
        await using var zk = await SyncedAsync(ct);
        return Ordered(await zk.GetChildrenAsync(Dir)).ToList();
    }

    static IEnumerable<string> Ordered(IEnumerable<string> children) =>
        children.OrderBy(c => long.Parse(c.AsSpan(c.Length - 10), CultureInfo.InvariantCulture));

    sealed class Client(int node, ZooKeeperMutexes mutex, ClientFaults.Dice dice)
        : ZooKeeperWorkerClient(mutex.Nodes[node], mutex.Options)
    {
        /// <summary>What became of a delete of our own znode.</summary>
        enum Deletion
        {
            Done,
            SessionExpired,
            NotSent,
            Unknown,
        }

        readonly TimeSpan patience = mutex.Options.RequestTimeout / 2;
        string? held; // our child while we hold the lock
        bool granted; // grant-twice: an ok acquire with no child behind it
        bool mayOwn; // the session may have a child of ours (a create was sent, no delete confirmed)
        long sessionId;
        byte[]? password;

        public override async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct) =>
            op.F switch
            {
                MutexWorkload.Acquire => await AcquireAsync(ct),
                MutexWorkload.Release => await ReleaseAsync(ct),
                _ => Completion.Fail($"unknown f {op.F}"),
            };

        protected override Task<Completion> PerformAsync(Invocation op, ZooKeeperClient zk, CancellationToken ct) =>
            InvokeAsync(op, ct);

        async Task<Completion> AcquireAsync(CancellationToken ct)
        {
            if (held is not null || granted)
                return Completion.Fail("this process holds the lock already"); // nothing sent
            if (dice.Misbehaves())
            {
                granted = true; // grant-twice: the ensemble knows nothing of this holder
                return Completion.Ok(null);
            }
            if (await TryOpenAsync(ct) is { } notOpen)
                return notOpen;
            var zk = Zk!;
            (sessionId, password, mayOwn) = (zk.SessionId, zk.SessionPassword, true);
            string mine;
            try
            {
                mine = await zk.CreateAsync($"{mutex.Dir}/lock-", [], CreateMode.EphemeralSequential);
            }
            catch (Exception e) when (IsRequestError(e))
            {
                if (e is ZooKeeperException)
                    mayOwn = false;
                // info: the worker's next client is new, and this one's session is closed with any child it made
                return ForChange(e);
            }
            var name = mine[(mutex.Dir.Length + 1)..];
            var waited = Stopwatch.StartNew();
            try
            {
                while (waited.Elapsed < patience)
                {
                    var children = Ordered(await zk.GetChildrenAsync(mutex.Dir)).ToList();
                    var at = children.IndexOf(name);
                    if (at < 0)
                        break; // our child is gone: only an expired session loses it
                    if (at == 0)
                    {
                        held = mine;
                        return Completion.Ok(null);
                    }
                    if (await zk.ExistsAsync($"{mutex.Dir}/{children[at - 1]}") is not null)
                        await Task.Delay(dice.Random.Next(10, 40), CancellationToken.None);
                }
            }
            catch (Exception e) when (IsRequestError(e)) { }
            // Given up (or cut off): withdraw. Once the child is surely gone we never held the lock: fail.
            var (deletion, why) = await DeleteOwnAsync(mine, ct);
            return deletion switch
            {
                Deletion.Done => Completion.Fail($"{MutexChecker.NotGrantedError} in time; withdrew"),
                Deletion.SessionExpired => Completion.Fail(
                    $"{MutexChecker.NotGrantedError}; the session expired, taking its znode"
                ),
                _ => Completion.Info($"{MutexChecker.NotGrantedError}, and the withdrawal is unconfirmed: {why}"),
            };
        }

        async Task<Completion> ReleaseAsync(CancellationToken ct)
        {
            if (granted)
            {
                granted = false;
                return Completion.Ok(null);
            }
            if (held is null)
                return Completion.Fail("this process does not hold the lock"); // nothing sent
            var (deletion, why) = await DeleteOwnAsync(held, ct);
            switch (deletion)
            {
                case Deletion.Done:
                    held = null;
                    return Completion.Ok(null);
                // The ensemble deleted our child when the session expired: nothing is held, but since when?
                case Deletion.SessionExpired:
                    held = null;
                    Interlocked.Increment(ref mutex.expiredHolders);
                    return new Completion(OpType.Ok, null, SessionExpired);
                case Deletion.NotSent:
                    return Completion.Fail($"nothing sent: {why}");
                default:
                    return Completion.Info(why!);
            }
        }

        /// <summary>
        /// Deletes our child. A lost connection is no reason to give up: the session lives on, so this
        /// resumes it and deletes again, once (NoNode then means the first delete took effect).
        /// </summary>
        async Task<(Deletion, string?)> DeleteOwnAsync(string path, CancellationToken ct)
        {
            var sent = false; // a delete went out whose answer was lost
            string? why = null;
            for (var attempt = 0; attempt < 2; attempt++)
            {
                if (Zk is not { IsConnected: true })
                {
                    var (resumed, expired, unreachable) = await ResumeAsync(ct);
                    if (expired)
                        return (Gone(Deletion.SessionExpired), null);
                    if (!resumed)
                        return (
                            sent ? Deletion.Unknown : Deletion.NotSent,
                            $"the session is unreachable: {unreachable}"
                        );
                }
                try
                {
                    await Zk!.DeleteAsync(path);
                    return (Gone(Deletion.Done), null);
                }
                catch (NoNodeException)
                {
                    return (Gone(Deletion.Done), null);
                } // a live session's znode vanishes only by our own delete
                catch (SessionExpiredException)
                {
                    return (Gone(Deletion.SessionExpired), null);
                }
                catch (ZooKeeperNotConnectedException e)
                {
                    why = Describe(e);
                }
                catch (ZooKeeperIndeterminateException e) when (e.Reason == IndeterminateReason.ConnectionLost)
                {
                    (sent, why) = (true, Describe(e));
                }
                catch (Exception e) when (IsRequestError(e))
                {
                    return (
                        sent || e is ZooKeeperIndeterminateException ? Deletion.Unknown : Deletion.NotSent,
                        Describe(e)
                    );
                }
            }
            return (sent ? Deletion.Unknown : Deletion.NotSent, why);
        }

        /// <summary>Our child is surely gone: the session owns nothing any more.</summary>
        Deletion Gone(Deletion how)
        {
            mayOwn = false;
            return how;
        }

        /// <summary>
        /// Resumes our session on its node or another, going round them for up to half the op timeout
        /// (while the servers elect a leader, none takes it).
        /// </summary>
        async Task<(bool Resumed, bool Expired, string? Why)> ResumeAsync(CancellationToken ct)
        {
            var trying = Stopwatch.StartNew();
            string? why = null;
            for (var i = 0; i < mutex.Nodes.Count || trying.Elapsed < patience; i++)
            {
                if (i > 0 && i % mutex.Nodes.Count == 0)
                    await Task.Delay(dice.Random.Next(50, 150), CancellationToken.None);
                var (host, port) = mutex.Nodes[(node + i) % mutex.Nodes.Count];
                try
                {
                    await AdoptAsync(
                        await ZooKeeperClient.ConnectAsync(host, port, OptionsFor(sessionId, password), ct)
                    );
                    return (true, false, null);
                }
                catch (SessionExpiredException)
                {
                    await DropSessionAsync();
                    return (false, true, null);
                }
                catch (Exception e) when (IsConnectError(e))
                {
                    why = e.Message;
                }
            }
            return (false, false, why);
        }

        /// <summary>
        /// A session that may own a child of ours and lost its connection would keep that child, and so
        /// the lock's queue, until it expires: resume it once around the nodes just to close it.
        /// </summary>
        public override async ValueTask DisposeAsync()
        {
            if (mayOwn && sessionId != 0 && Zk is not { IsConnected: true })
            {
                for (var i = 0; i < mutex.Nodes.Count; i++)
                {
                    var (host, port) = mutex.Nodes[(node + i) % mutex.Nodes.Count];
                    try
                    {
                        await using var resumed = await ZooKeeperClient.ConnectAsync(
                            host,
                            port,
                            OptionsFor(sessionId, password),
                            CancellationToken.None
                        );
                        break; // disposing it closes the session on the server
                    }
                    catch (Exception e) when (IsConnectError(e)) { }
                }
            }
            await base.DisposeAsync();
        }
    }
}
