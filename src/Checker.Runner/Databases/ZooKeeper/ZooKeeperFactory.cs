using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Runner.Databases.ZooKeeper;

/// <summary>
/// What every ZooKeeper workload's client factory shares: the servers, the workload's own znode
/// under the run's root, the client options, and the dice of the workload's faulty mode. A workload
/// adds its client, and what PrepareAsync creates beyond its znode.
/// </summary>
public abstract class ZooKeeperFactory(IReadOnlyList<(string Host, int Port)> nodes, string dir, ZooKeeperClientOptions options,
    double faultProbability, int seed) : IClientFactory
{
    readonly ClientFaults faults = new(faultProbability, seed);

    protected IReadOnlyList<(string Host, int Port)> Nodes => nodes;

    /// <summary>The workload's znode: everything it writes lives below it.</summary>
    protected string Dir => dir;

    protected ZooKeeperClientOptions Options => options;

    /// <summary>Creates the workload's znode (and its parents), retrying through any server.</summary>
    public virtual Task PrepareAsync(CancellationToken ct) => ZooKeeperZnodes.PrepareAsync(nodes, options, [dir], ct);

    public IClient Create(int node) => CreateClient(node, faults.NextClient());

    /// <summary>A client of the server nodes[node], misbehaving as its dice say.</summary>
    protected abstract IClient CreateClient(int node, ClientFaults.Dice dice);

    /// <summary>A session on the first node, synced with the leader on the workload's znode (for tests' reads).</summary>
    protected Task<ZooKeeperClient> SyncedAsync(CancellationToken ct) => ZooKeeperZnodes.SyncedAsync(nodes, options, dir, ct);
}
