using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Runner.Databases;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Tests.Support;

/// <summary>
/// A database suite whose "database" is registers in this process, with no optional capability (no
/// kill, pause or leader): it drives the runner's lifecycle without a server, and can add a checker
/// that throws, to show that the results survive a failing checker.
/// </summary>
public sealed class InMemorySuite(bool throwingChecker = false) : IDatabaseSuite
{
    public int Plans { get; private set; }

    public string Name => "in-memory";
    public Type DbType => typeof(Db);
    public IReadOnlyList<string> Workloads => ["register"];
    public JObject DefaultSettings() => new();
    public JObject DefaultWorkloadSettings(string workload) => SpecSections.ToJson(new RegisterSettings());
    public void Validate(TestSpec spec) { }
    public PeerPorts PeerPorts => PeerPorts.None;

    public DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        Plans++;
        IWorkload workload = new RegisterWorkload(SpecSections.Read<RegisterSettings>(spec.Workload.Settings, "workload"));
        if (throwingChecker) workload = new WithThrowingChecker(workload);
        return new DbPlan(new Db(), new InMemoryRegisters(), workload);
    }

    sealed class Db : IDb
    {
        public Task SetupAsync(CancellationToken ct) => Task.CompletedTask;
        public Task TeardownAsync() => Task.CompletedTask;
        public (string Host, int Port) ClientEndpoint(Node node) => (node.Address, 0);
    }

    sealed class WithThrowingChecker(IWorkload inner) : IWorkload
    {
        public Core.Workloads.WorkloadDescriptor Descriptor => inner.Descriptor;
        public Invocation Next(int worker, Random random) => inner.Next(worker, random);
        public Invocation? Final(int worker, int n) => inner.Final(worker, n);
        public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) => [.. inner.Checkers(options), new Throwing()];
    }

    sealed class Throwing : IChecker
    {
        public string Name => "throwing";
        public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default) =>
            throw new InvalidOperationException("this checker always fails");
    }
}
