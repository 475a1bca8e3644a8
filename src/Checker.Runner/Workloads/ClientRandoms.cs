namespace Checker.Runner.Workloads;

/// <summary>Each client's own random source (for its deliberate faults): different per client, reproducible from the run's seed.</summary>
public sealed class ClientRandoms(int seed)
{
    int created;

    /// <summary>The random source for the next client made.</summary>
    public Random Next() => new(HashCode.Combine(seed, Interlocked.Increment(ref created)));
}
