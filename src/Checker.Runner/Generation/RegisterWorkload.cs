using Checker.Runner.Clients;
using Checker.Runner.Spec;

namespace Checker.Runner.Generation;

/// <summary>
/// Register operations over independent keys: read (value null), write v, cas [from to]; values are
/// small integers so compare-and-set often succeeds. Checked per key with the cas-register model.
/// </summary>
public sealed class RegisterWorkload(WorkloadSpec spec)
{
    public const string Read = "read", Write = "write", Cas = "cas";

    /// <summary>The next operation of the mixed phase.</summary>
    public Invocation Next(Random random)
    {
        long key = random.Next(spec.Keys);
        var total = spec.ReadWeight + spec.WriteWeight + spec.CasWeight;
        var x = random.NextDouble() * total;
        if (x < spec.ReadWeight) return new Invocation(Read, key, null);
        if (x < spec.ReadWeight + spec.WriteWeight) return new Invocation(Write, key, (long)random.Next(spec.Values));
        return new Invocation(Cas, key, new List<object?> { (long)random.Next(spec.Values), (long)random.Next(spec.Values) });
    }

    /// <summary>The n-th final read: every key in turn.</summary>
    public Invocation FinalRead(int n) => new(Read, (long)(n % spec.Keys), null);
}
