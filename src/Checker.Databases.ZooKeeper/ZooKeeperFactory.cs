using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// What every ZooKeeper workload's client factory adds to the servers and dice: the workload's own
/// znode under the run's root, and the client options. A workload adds its client, and what
/// PrepareAsync creates beyond its znode.
/// </summary>
internal abstract class ZooKeeperFactory(
    IReadOnlyList<(string Host, int Port)> nodes,
    string dir,
    ZooKeeperClientOptions options,
    double faultProbability,
    int seed
) : WorkloadClientFactory(nodes, faultProbability, seed)
{
    /// <summary>The workload's znode: everything it writes lives below it.</summary>
    protected string Dir => dir;

    protected ZooKeeperClientOptions Options => options;

    /// <summary>Creates the workload's znode (and its parents) through the first node.</summary>
    public override Task PrepareAsync(CancellationToken ct) => ZooKeeperZnodes.PrepareAsync(Nodes, options, [dir], ct);

    /// <summary>A session on the first node, synced with the leader on the workload's znode (for tests'
    /// reads).</summary>
    private protected Task<ZooKeeperClient> SyncedAsync(CancellationToken ct) =>
        ZooKeeperZnodes.SyncedAsync(Nodes, options, dir, ct);
}
