using Checker.Runner.Databases;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;

namespace Checker.Cli.Tests.NewWorkload;

/// <summary>
/// A database in this process whose one workload is the counter: its client is what a database suite
/// adds for a new workload, and its table line is how the suite offers it.
/// </summary>
public sealed class InMemoryCounterSuite
    : DatabaseSuite<InMemoryCounterSuite.NoSettings, InMemoryCounterSuite.CounterDb>
{
    public override string Name => "in-memory-counter";
    public override PeerPorts PeerPorts => PeerPorts.None;

    protected override IReadOnlyList<SuiteWorkload<CounterDb>> WorkloadTable { get; } =
    [
        SuiteWorkload<CounterDb>.Of<CounterSettings>(CounterChecker.Workload, (w, c) =>
            new(new Counters(c.FaultProbability, c.Run.Seed), new CounterWorkload(w))),
    ];

    protected override CounterDb CreateDb(
        NoSettings settings, TestSpec spec, INodeProvider nodes, INetwork network, RunContext run) => new();

    public sealed class NoSettings : ISpecSettings
    {
        public string? Problem() => null;
    }

    public sealed class CounterDb : IDb
    {
        public Task SetupAsync(CancellationToken ct) => Task.CompletedTask;
        public Task TeardownAsync() => Task.CompletedTask;
        public (string Host, int Port) ClientEndpoint(Node node) => (node.Address, 0);
    }

    /// <summary>
    /// One counter shared by every client; in the faulty mode an add is acknowledged but, with that
    /// probability, not applied.
    /// </summary>
    sealed class Counters(double dropProbability, int seed) : IClientFactory
    {
        readonly double dropProbability = dropProbability;
        long value;
        int clients;

        public Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

        public IClient Create(int node) => new Client(this, new Random(seed + Interlocked.Increment(ref clients)));

        sealed class Client(Counters counters, Random dice) : IClient
        {
            public Task OpenAsync(CancellationToken ct) => Task.CompletedTask;

            public Task<Completion> InvokeAsync(Invocation op, CancellationToken ct)
            {
                if (op.F == CounterChecker.Read)
                    return Task.FromResult(Completion.Ok(Interlocked.Read(ref counters.value)));
                if (dice.NextDouble() >= counters.dropProbability) Interlocked.Add(ref counters.value, (long)op.Value!);
                return Task.FromResult(Completion.Ok(op.Value));
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
