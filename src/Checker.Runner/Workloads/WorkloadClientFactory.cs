namespace Checker.Runner.Workloads;

/// <summary>
/// What every database's workload client factory shares: the servers its clients talk to, and the
/// dice of the workload's faulty mode, one set per client made. A database adds how it prepares the
/// workload's data; a workload adds its client.
/// </summary>
public abstract class WorkloadClientFactory(
    IReadOnlyList<(string Host, int Port)> nodes,
    double faultProbability,
    int seed
) : IClientFactory
{
    readonly ClientFaults faults = new(faultProbability, seed);

    protected IReadOnlyList<(string Host, int Port)> Nodes => nodes;

    public abstract Task PrepareAsync(CancellationToken ct);

    public IClient Create(int node) => CreateClient(node, faults.NextClient());

    /// <summary>A client of the server Nodes[node], misbehaving as its dice say.</summary>
    protected abstract IClient CreateClient(int node, ClientFaults.Dice dice);
}
