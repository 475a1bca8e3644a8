using System.Diagnostics;
using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using static Checker.Databases.ZooKeeper.ZooKeeperOutcomes;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// A queue in ZooKeeper: each enqueue creates a persistent sequential child of root/queue holding
/// the element. A dequeue syncs its server with the leader, lists the children, and takes the lowest
/// it can: read its element, then delete it; a NoNode means another dequeue took it first, so it tries
/// the next. Only an empty listing after the sync is "empty": a listing whose children were all taken
/// by others says nothing about emptiness, so it lists again. In deliver-twice mode a dequeue is, with
/// the fault probability, answered with the lowest element without deleting it.
/// </summary>
internal sealed class ZooKeeperQueues(
    IReadOnlyList<(string Host, int Port)> nodes,
    string root,
    ZooKeeperClientOptions options,
    double faultProbability,
    int seed
) : ZooKeeperFactory(nodes, root + "/queue", options, faultProbability, seed)
{
    protected override IClient CreateClient(int node, ClientFaults.Dice dice) =>
        new Client(Nodes[node], Options, this, dice);

    /// <summary>The elements now in the queue, lowest sequence first, read through the first node (for
    /// tests).</summary>
    internal async Task<List<long>> ElementsAsync(CancellationToken ct)
    {
        await using var zk = await SyncedAsync(ct);
        var elements = new List<long>();
        foreach (var child in Ordered(await zk.GetChildrenAsync(Dir)))
            elements.Add(Decode((await zk.GetDataAsync($"{Dir}/{child}")).Data)!.Value);
        return elements;
    }

    /// <summary>Children by their sequence number (the ten digits ZooKeeper appends), lowest first.</summary>
    static IEnumerable<string> Ordered(IEnumerable<string> children) =>
        children.OrderBy(c => long.Parse(c.AsSpan(c.Length - 10), CultureInfo.InvariantCulture));

    sealed class Client(
        (string Host, int Port) node,
        ZooKeeperClientOptions options,
        ZooKeeperQueues queue,
        ClientFaults.Dice dice
    ) : ZooKeeperWorkerClient(node, options)
    {
        // A dequeue that keeps losing races stops trying well before the op timeout, failing: nothing was taken.
        readonly TimeSpan patience = options.RequestTimeout / 2;

        protected override async Task<Completion> PerformAsync(
            Invocation op,
            ZooKeeperClient zk,
            CancellationToken ct
        ) =>
            op.F switch
            {
                QueueWorkload.Enqueue => await EnqueueAsync(zk, (long)op.Value!),
                QueueWorkload.Dequeue => await DequeueAsync(zk),
                _ => Completion.Fail($"unknown f {op.F}"),
            };

        async Task<Completion> EnqueueAsync(ZooKeeperClient zk, long element)
        {
            try
            {
                await zk.CreateAsync($"{queue.Dir}/q-", Encode(element), CreateMode.PersistentSequential);
                return Completion.Ok(element);
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForChange(e);
            }
        }

        async Task<Completion> DequeueAsync(ZooKeeperClient zk)
        {
            var started = Stopwatch.StartNew();
            while (started.Elapsed < patience)
            {
                IReadOnlyList<string> children;
                try
                {
                    await zk.SyncAsync(queue.Dir);
                    children = await zk.GetChildrenAsync(queue.Dir);
                }
                catch (Exception e) when (IsRequestError(e))
                {
                    return ForRead(e, "list");
                } // nothing taken
                if (children.Count == 0)
                    return Completion.Fail(QueueWorkload.Empty);
                foreach (var child in Ordered(children))
                {
                    var taken = await TakeAsync(zk, $"{queue.Dir}/{child}");
                    if (taken is not null)
                        return taken;
                }
            }
            return Completion.Fail("every element listed was taken by others, until the dequeue gave up");
        }

        /// <summary>The completion of taking this element, or null when another dequeue took it first.</summary>
        async Task<Completion?> TakeAsync(ZooKeeperClient zk, string path)
        {
            long element;
            try
            {
                element = Decode((await zk.GetDataAsync(path)).Data)!.Value;
            }
            catch (NoNodeException)
            {
                return null;
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForRead(e, "read element");
            } // nothing taken
            if (dice.Misbehaves())
                return Completion.Ok(element); // deliver-twice: left in place
            try
            {
                await zk.DeleteAsync(path);
                return Completion.Ok(element);
            }
            catch (NoNodeException)
            {
                return null;
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForChange(e);
            } // lost after sending: it may be taken
        }
    }
}
