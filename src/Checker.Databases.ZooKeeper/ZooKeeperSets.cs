using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using static Checker.Databases.ZooKeeper.ZooKeeperOutcomes;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// A set in ZooKeeper: one persistent child znode per element under root/set, named by the element.
/// A read syncs its server with the leader, then lists the children, so it sees every add that
/// completed before it began. In lose-adds mode an add is, with the fault probability, acknowledged
/// without being written.
/// </summary>
internal sealed class ZooKeeperSets(
    IReadOnlyList<(string Host, int Port)> nodes,
    string root,
    ZooKeeperClientOptions options,
    double faultProbability,
    int seed
) : ZooKeeperFactory(nodes, root + "/set", options, faultProbability, seed)
{
    protected override IClient CreateClient(int node, ClientFaults.Dice dice) =>
        new Client(Nodes[node], Options, this, dice);

    /// <summary>The elements now in the set, read through the first node (for tests).</summary>
    internal async Task<List<long>> ElementsAsync(CancellationToken ct)
    {
        await using var zk = await SyncedAsync(ct);
        return Parse(await zk.GetChildrenAsync(Dir));
    }

    static List<long> Parse(IEnumerable<string> children) =>
        children.Select(c => long.Parse(c, CultureInfo.InvariantCulture)).ToList();

    sealed class Client(
        (string Host, int Port) node,
        ZooKeeperClientOptions options,
        ZooKeeperSets set,
        ClientFaults.Dice dice
    ) : ZooKeeperWorkerClient(node, options)
    {
        protected override async Task<Completion> PerformAsync(
            Invocation op,
            ZooKeeperClient zk,
            CancellationToken ct
        ) =>
            op.F switch
            {
                SetWorkload.Add => await AddAsync(zk, (long)op.Value!),
                SetWorkload.Read => await ReadAsync(zk),
                _ => Completion.Fail($"unknown f {op.F}"),
            };

        async Task<Completion> AddAsync(ZooKeeperClient zk, long element)
        {
            if (dice.Misbehaves())
                return Completion.Ok(element); // lose-adds: nothing written
            try
            {
                await zk.CreateAsync(
                    $"{set.Dir}/{element.ToString(CultureInfo.InvariantCulture)}",
                    [],
                    CreateMode.Persistent
                );
                return Completion.Ok(element);
            }
            catch (NodeExistsException)
            {
                return Completion.Ok(element);
            } // it is in the set: elements are never added twice, nor removed
            catch (Exception e) when (IsRequestError(e))
            {
                return ForChange(e);
            }
        }

        async Task<Completion> ReadAsync(ZooKeeperClient zk)
        {
            try
            {
                await zk.SyncAsync(set.Dir);
                return Completion.Ok(Parse(await zk.GetChildrenAsync(set.Dir)).Cast<object?>().ToList());
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForRead(e);
            }
        }
    }
}
