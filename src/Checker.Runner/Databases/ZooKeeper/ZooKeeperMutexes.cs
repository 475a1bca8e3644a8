using System.Diagnostics;
using System.Globalization;
using Checker.Core.History;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using static Checker.Runner.Databases.ZooKeeper.ZooKeeperOutcomes;

namespace Checker.Runner.Databases.ZooKeeper;

/// <summary>
/// ZooKeeper's lock recipe without watches: an acquire creates an ephemeral sequential child of
/// root/lock and holds the lock once its child is the lowest; until then it polls the children, up to
/// half the op timeout, then withdraws its child and fails (info when the withdrawal is not
/// confirmed). A release deletes the child. The lock lives as long as the holder's session: a holder
/// whose connection broke resumes its session (its own node first, then the others) to release; if
/// the session had expired, the ensemble already deleted the child, so the lock was lost at some
/// unknown moment before: the release is ok (nothing is held) and says so, and ExpiredHolders counts
/// it. In grant-twice mode an acquire is, with the fault probability, answered ok without a child.
/// </summary>
public sealed class ZooKeeperMutexes(IReadOnlyList<(string Host, int Port)> nodes, string root, ZooKeeperClientOptions options, double faultProbability, int seed)
    : IClientFactory
{
    public const string SessionExpired = "session expired while holding: the lock was lost before this release";
    readonly IReadOnlyList<(string Host, int Port)> nodes = nodes;
    readonly ZooKeeperClientOptions options = options;
    readonly double faultProbability = faultProbability;
    readonly string dir = root + "/lock";
    int created, expiredHolders;

    /// <summary>How many holders found that their session had expired (each lost the lock without knowing).</summary>
    public int ExpiredHolders => Volatile.Read(ref expiredHolders);

    public Task PrepareAsync(CancellationToken ct) => ZooKeeperZnodes.PrepareAsync(nodes, options, [dir], ct);

    public IClient Create(int node) =>
        new Client(node, this, new Random(HashCode.Combine(seed, Interlocked.Increment(ref created))));

    /// <summary>The lock's children now, lowest first, read through the first node (for tests).</summary>
    public async Task<List<string>> ContendersAsync(CancellationToken ct)
    {
        var (host, port) = nodes[0];
        await using var zk = await ZooKeeperClient.ConnectAsync(host, port, options, ct);
        await zk.SyncAsync(dir);
        return Ordered(await zk.GetChildrenAsync(dir)).ToList();
    }

    static IEnumerable<string> Ordered(IEnumerable<string> children) =>
        children.OrderBy(c => long.Parse(c.AsSpan(c.Length - 10), CultureInfo.InvariantCulture));

    sealed class Client(int node, ZooKeeperMutexes mutex, Random random) : ZooKeeperWorkerClient(mutex.nodes[node], mutex.options)
    {
        readonly TimeSpan patience = mutex.options.RequestTimeout / 2;
        string? held;          // our child while we hold the lock
        bool granted;          // grant-twice: an ok acquire with no child behind it
        long sessionId;
        byte[]? password;

        public override async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct) => op.F switch
        {
            MutexWorkload.Acquire => await AcquireAsync(ct),
            MutexWorkload.Release => await ReleaseAsync(ct),
            _ => Completion.Fail($"unknown f {op.F}"),
        };

        protected override Task<Completion> PerformAsync(Invocation op, ZooKeeperClient zk, CancellationToken ct) => InvokeAsync(op, ct);

        async Task<Completion> AcquireAsync(CancellationToken ct)
        {
            if (held is not null || granted) return Completion.Fail("this process holds the lock already"); // nothing sent
            if (mutex.faultProbability > 0 && random.NextDouble() < mutex.faultProbability)
            {
                granted = true; // grant-twice: the ensemble knows nothing of this holder
                return Completion.Ok(null);
            }
            if (await TryOpenAsync(ct) is { } notOpen) return notOpen;
            var zk = Zk!;
            string mine;
            try { mine = await zk.CreateAsync($"{mutex.dir}/lock-", [], CreateMode.EphemeralSequential); }
            catch (Exception e) when (IsRequestError(e)) { return ForChange(e); } // info: closing this session removes a child it may have made
            var name = mine[(mutex.dir.Length + 1)..];
            var waited = Stopwatch.StartNew();
            try
            {
                while (waited.Elapsed < patience)
                {
                    var children = Ordered(await zk.GetChildrenAsync(mutex.dir)).ToList();
                    var at = children.IndexOf(name);
                    if (at < 0) break; // our child is gone: only an expired session loses it
                    if (at == 0)
                    {
                        (held, sessionId, password) = (mine, zk.SessionId, zk.SessionPassword);
                        return Completion.Ok(null);
                    }
                    if (await zk.ExistsAsync($"{mutex.dir}/{children[at - 1]}") is not null) await Task.Delay(random.Next(10, 40), CancellationToken.None);
                }
            }
            catch (Exception e) when (IsRequestError(e)) { }
            return await WithdrawAsync(zk, mine);
        }

        /// <summary>Deletes our child after giving up: a fail once confirmed (we never held the lock), else info.</summary>
        static async Task<Completion> WithdrawAsync(ZooKeeperClient zk, string mine)
        {
            try { await zk.DeleteAsync(mine); }
            catch (NoNodeException) { }
            catch (Exception e) when (IsRequestError(e)) { return Completion.Info($"not granted, and the withdrawal is unconfirmed: {Describe(e)}"); }
            return Completion.Fail("not granted in time; withdrew");
        }

        async Task<Completion> ReleaseAsync(CancellationToken ct)
        {
            if (granted)
            {
                granted = false;
                return Completion.Ok(null);
            }
            if (held is null) return Completion.Fail("this process does not hold the lock"); // nothing sent
            if (Zk is not { IsConnected: true } && await ResumeAsync(ct) is { } notResumed) return notResumed;
            try { await Zk!.DeleteAsync(held); }
            catch (NoNodeException) { } // gone already (a live session's child cannot vanish, but either way nothing is held)
            catch (SessionExpiredException) { return await LostAsync(); }
            catch (Exception e) when (IsRequestError(e)) { return ForChange(e); }
            held = null;
            return Completion.Ok(null);
        }

        /// <summary>Resumes the holder's session on its node or another; null when resumed, else the release's outcome.</summary>
        async Task<Completion?> ResumeAsync(CancellationToken ct)
        {
            var order = Enumerable.Range(0, mutex.nodes.Count).Select(i => (node + i) % mutex.nodes.Count);
            string? why = null;
            foreach (var i in order)
            {
                var (host, port) = mutex.nodes[i];
                try
                {
                    await AdoptAsync(await ZooKeeperClient.ConnectAsync(host, port, OptionsFor(sessionId, password), ct));
                    return null;
                }
                catch (SessionExpiredException) { return await LostAsync(); }
                catch (Exception e) when (e is ZooKeeperConnectException or ZooKeeperException or ZooKeeperIndeterminateException or IOException) { why = e.Message; }
            }
            return Completion.Fail($"the holder's session is unreachable (nothing sent): {why}");
        }

        /// <summary>The session expired, and the ensemble deleted our child with it: nothing is held.</summary>
        async Task<Completion> LostAsync()
        {
            held = null;
            Interlocked.Increment(ref mutex.expiredHolders);
            await DropSessionAsync();
            return new Completion(OpType.Ok, null, SessionExpired);
        }
    }
}
