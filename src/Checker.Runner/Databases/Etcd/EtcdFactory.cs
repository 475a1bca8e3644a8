using Checker.Runner.Workloads;

namespace Checker.Runner.Databases.Etcd;

/// <summary>
/// What every etcd workload's client factory shares: the members, the timeouts its clients use, and
/// the dice of the workload's faulty mode. A workload adds its client, and whatever PrepareAsync
/// must write before the first op.
/// </summary>
public abstract class EtcdFactory(IReadOnlyList<(string Host, int Port)> nodes, TimeSpan opTimeout, TimeSpan connectTimeout,
    double faultProbability, int seed) : IClientFactory
{
    readonly ClientFaults faults = new(faultProbability, seed);

    protected IReadOnlyList<(string Host, int Port)> Nodes => nodes;
    protected TimeSpan OpTimeout => opTimeout;
    protected TimeSpan ConnectTimeout => connectTimeout;

    /// <summary>
    /// Nothing by default: the run's prefix is fresh, and keys never written are each workload's empty
    /// state (an empty set, an empty queue, a free lock).
    /// </summary>
    public virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    public IClient Create(int node) => CreateClient(nodes[node], faults.NextClient());

    /// <summary>A client of one member, misbehaving as its dice say.</summary>
    protected abstract IClient CreateClient((string Host, int Port) node, ClientFaults.Dice dice);
}
