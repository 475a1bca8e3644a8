using Checker.Runner.Databases;
using Checker.Runner.Workloads;

namespace Checker.Databases.Etcd;

/// <summary>
/// What every etcd workload's client factory adds to the members and dice: the timeouts its clients
/// use. A workload adds its client, and whatever PrepareAsync must write before the first op.
/// </summary>
internal abstract class EtcdFactory(
    IReadOnlyList<(string Host, int Port)> nodes,
    TimeSpan opTimeout,
    TimeSpan connectTimeout,
    double faultProbability,
    int seed
) : WorkloadClientFactory(nodes, faultProbability, seed)
{
    protected TimeSpan OpTimeout => opTimeout;
    protected TimeSpan ConnectTimeout => connectTimeout;

    /// <summary>
    /// Nothing by default: the run's prefix is fresh, and keys never written are each workload's empty
    /// state (a null register, an empty set, an empty queue, a free lock).
    /// </summary>
    public override Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;
}
