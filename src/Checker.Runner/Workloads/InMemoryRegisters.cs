using Checker.Runner.Generation;

namespace Checker.Runner.Workloads;

/// <summary>
/// Linearizable registers in this process: the database stand-in for measuring the generator and
/// recorder alone, and for the generator's unit tests.
/// </summary>
public sealed class InMemoryRegisters : IClientFactory
{
    readonly Dictionary<object, long?> values = new();
    readonly object gate = new();

    public Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    public IClient Create(int node) => new Client(this);

    Completion Apply(Invocation op)
    {
        lock (gate)
        {
            var key = op.Key!;
            values.TryGetValue(key, out var current);
            switch (op.F)
            {
                case RegisterWorkload.Read:
                    return Completion.Ok(current);
                case RegisterWorkload.Write:
                    values[key] = (long)op.Value!;
                    return Completion.Ok(op.Value);
                case RegisterWorkload.Cas:
                    var cas = (IList<object?>)op.Value!;
                    if (current != (long)cas[0]!)
                        return Completion.Fail("value differs");
                    values[key] = (long)cas[1]!;
                    return Completion.Ok(op.Value);
                default:
                    return Completion.Fail($"unknown f {op.F}");
            }
        }
    }

    sealed class Client(InMemoryRegisters registers) : IClient
    {
        public Task OpenAsync(CancellationToken ct) => Task.CompletedTask;

        public Task<Completion> InvokeAsync(Invocation op, CancellationToken ct) =>
            Task.FromResult(registers.Apply(op));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
