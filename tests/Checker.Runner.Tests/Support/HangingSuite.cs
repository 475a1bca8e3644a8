using Checker.Runner.Databases;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Tests.Support;

/// <summary>
/// A real database suite whose servers all freeze (SIGSTOP) for a while at a set time after setup, and
/// thaw by themselves: a cluster that hangs with its processes alive and its ports open. The freeze is
/// no fault of the nemesis and is not written into the history, so the checks see only the hang.
/// </summary>
public sealed class HangingSuite(IDatabaseSuite inner, TimeSpan hangAt, TimeSpan hangFor) : IDatabaseSuite
{
    public string Name => inner.Name;
    public Type DbType => inner.DbType;
    public IReadOnlyList<string> Workloads => inner.Workloads;
    public JObject DefaultSettings() => inner.DefaultSettings();
    public JObject DefaultWorkloadSettings(string workload) => inner.DefaultWorkloadSettings(workload);
    public void Validate(TestSpec spec) => inner.Validate(spec);
    public PeerPorts PeerPorts => inner.PeerPorts;

    public DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        var plan = inner.Plan(spec, nodes, network, run);
        return plan with { Db = new HangingDb(plan.Db, nodes.Nodes, hangAt, hangFor) };
    }

    sealed class HangingDb(IDb db, IReadOnlyList<Node> nodes, TimeSpan hangAt, TimeSpan hangFor)
        : IDb, IKillableDb, IPausableDb, IPrimaryDb, ILogCollectingDb
    {
        readonly CancellationTokenSource over = new();
        Task hang = Task.CompletedTask;

        public async Task SetupAsync(CancellationToken ct)
        {
            await db.SetupAsync(ct);
            hang = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(hangAt, over.Token);
                    foreach (var n in nodes) await ((IPausableDb)db).PauseAsync(n, CancellationToken.None);
                    await Task.Delay(hangFor, over.Token);
                }
                catch (OperationCanceledException) { }
                foreach (var n in nodes) await ((IPausableDb)db).ResumeAsync(n, CancellationToken.None);
            });
        }

        public async Task TeardownAsync()
        {
            over.Cancel();
            await hang;
            await db.TeardownAsync();
        }

        public (string Host, int Port) ClientEndpoint(Node node) => db.ClientEndpoint(node);
        public Task KillAsync(Node node, CancellationToken ct) => ((IKillableDb)db).KillAsync(node, ct);
        public Task RestartAsync(Node node, CancellationToken ct) => ((IKillableDb)db).RestartAsync(node, ct);
        public Task PauseAsync(Node node, CancellationToken ct) => ((IPausableDb)db).PauseAsync(node, ct);
        public Task ResumeAsync(Node node, CancellationToken ct) => ((IPausableDb)db).ResumeAsync(node, ct);
        public Task<Node?> FindPrimaryAsync(CancellationToken ct) => ((IPrimaryDb)db).FindPrimaryAsync(ct);
        public Task CollectLogsAsync(string dir, CancellationToken ct) => ((ILogCollectingDb)db).CollectLogsAsync(dir, ct);
    }
}
