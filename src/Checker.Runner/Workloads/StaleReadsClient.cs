using Checker.Core.History;
using Checker.Runner.Generation;

namespace Checker.Runner.Workloads;

/// <summary>
/// A deliberately wrong client, for showing that the checker catches a real bug: it keeps a local copy
/// of the first value it saw for each key and answers some reads from that copy instead of the database.
/// </summary>
internal sealed class StaleReadsClient(IClient inner, ClientFaults.Dice dice) : IClient
{
    readonly Dictionary<object, object?> copy = new();

    public Task OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);

    public async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct)
    {
        if (op.F == RegisterWorkload.Read && copy.TryGetValue(op.Key!, out var stale) && dice.Misbehaves())
            return Completion.Ok(stale);
        var done = await inner.InvokeAsync(op, ct);
        if (done.Type == OpType.Ok && op.Key is not null && !copy.ContainsKey(op.Key))
            copy[op.Key] = op.F == RegisterWorkload.Cas ? ((IList<object?>)done.Value!)[1] : done.Value;
        return done;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>Wraps every client of a factory in a StaleReadsClient.</summary>
public sealed class StaleReadsFactory(IClientFactory inner, double probability, int seed) : IClientFactory
{
    readonly ClientFaults faults = new(probability, seed);

    /// <summary>A register's clients as the spec's client.mode asks: wrapped in stale-reads mode, else as they
    /// are.</summary>
    public static IClientFactory ForMode(IClientFactory clients, Spec.ClientSpec client, int seed) =>
        client.Mode == Core.Workloads.BuiltInWorkloads.Register.FaultyMode!.Mode
            ? new StaleReadsFactory(clients, client.StaleReadProbability, seed)
            : clients;

    public Task PrepareAsync(CancellationToken ct) => inner.PrepareAsync(ct);

    public IClient Create(int node) => new StaleReadsClient(inner.Create(node), faults.NextClient());
}
