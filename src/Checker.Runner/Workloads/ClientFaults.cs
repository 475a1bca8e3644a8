namespace Checker.Runner.Workloads;

/// <summary>
/// How often the clients of a deliberately faulty mode misbehave (client.faultProbability), with a
/// random source per client: the n-th client made gets the same seed in every run of the same seed.
/// </summary>
public sealed class ClientFaults(double probability, int seed)
{
    int created;

    /// <summary>The dice of the next client made.</summary>
    public Dice NextClient() =>
        new(probability, new Random(Generation.Seeds.Derive(seed, Interlocked.Increment(ref created))));

    /// <summary>One client's dice; a client is used by one worker at a time, and so are its dice.</summary>
    public sealed class Dice(double probability, Random random)
    {
        /// <summary>The client's random source, also for its own waits and jitter.</summary>
        public Random Random => random;

        /// <summary>Whether this operation misbehaves; never with the mode off (probability 0), which draws
        /// nothing.</summary>
        public bool Misbehaves() => probability > 0 && random.NextDouble() < probability;
    }
}
