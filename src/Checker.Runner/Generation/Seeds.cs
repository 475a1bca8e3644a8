namespace Checker.Runner.Generation;

/// <summary>
/// Seeds derived from the run's seed, one per stream (a worker, a client): the same in every process
/// and on every machine, so `--seed N` draws the same operations and the same deliberate faults again.
/// Not HashCode.Combine: .NET seeds it at random in each process.
/// </summary>
internal static class Seeds
{
    /// <summary>SplitMix64's finalizer over (seed, stream): neighbouring seeds and streams give unrelated
    /// values.</summary>
    public static int Derive(int seed, int stream)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }
}
