using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Workloads;
using Checker.Runner.Databases;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper;

/// <summary>ZooKeeper 3.8: an ensemble of one server per node; each workload's objects are znodes under
/// /checker/run-id.</summary>
public sealed class ZooKeeperSuite : DatabaseSuite<ZooKeeperSettings, ZooKeeperDb>
{
    public override string Name => "zookeeper";

    public override PeerPorts PeerPorts { get; } =
        new([ZooKeeperDb.QuorumPort, ZooKeeperDb.ElectionPort], ZooKeeperDb.HandshakeFor);

    protected override IReadOnlyList<SuiteWorkload<ZooKeeperDb>> WorkloadTable { get; } =
    [
        SuiteWorkload<ZooKeeperDb>.Of<ZooKeeperRegisterSettings>(BuiltInWorkloads.Register, (w, c) =>
            new(
                StaleReadsFactory.ForMode(
                    new ZooKeeperRegisters(Endpoints(c), Root(c), w.Keys, w.SyncReads, ClientOptions(c), w.ValueBytes),
                    c.Spec.Client,
                    c.Run.Seed
                ),
                new RegisterWorkload(w),
                r => Explain(r, w)
            )
        ),
        SuiteWorkload<ZooKeeperDb>.Of<SetSettings>(BuiltInWorkloads.Set, (w, c) =>
            new(
                new ZooKeeperSets(Endpoints(c), Root(c), ClientOptions(c), c.FaultProbability, c.Run.Seed),
                new SetWorkload(w)
            )
        ),
        SuiteWorkload<ZooKeeperDb>.Of<QueueSettings>(BuiltInWorkloads.Queue, (w, c) =>
            new(
                new ZooKeeperQueues(Endpoints(c), Root(c), ClientOptions(c), c.FaultProbability, c.Run.Seed),
                new QueueWorkload(w)
            )
        ),
        SuiteWorkload<ZooKeeperDb>.Of<MutexSettings>(BuiltInWorkloads.Mutex, (w, c) =>
        {
            var clients = new ZooKeeperMutexes(Endpoints(c), Root(c), ClientOptions(c), c.FaultProbability, c.Run.Seed);
            return new(clients, new MutexWorkload(), r => ExplainMutex(r, clients, c.Db.SessionTimeout));
        }),
        SuiteWorkload<ZooKeeperDb>.Of<BankSettings>(BuiltInWorkloads.Bank, (w, c) =>
            new(
                new ZooKeeperBanks(Endpoints(c), Root(c), ClientOptions(c), w, c.FaultProbability, c.Run.Seed),
                new BankWorkload(w)
            )
        ),
    ];

    protected override ZooKeeperDb CreateDb(
        ZooKeeperSettings settings,
        TestSpec spec,
        INodeProvider nodes,
        INetwork network,
        RunContext run
    )
    {
        var candidate = spec.Db.Install
            ?? (Environment.GetEnvironmentVariable("ZOOKEEPER_HOME") is { Length: > 0 } home ? home : null);
        return new ZooKeeperDb(settings, spec.Db, candidate, nodes, network, run.RunId, run.Log);
    }

    /// <summary>Each node's client address and port.</summary>
    static List<(string Host, int Port)> Endpoints(WorkloadContext<ZooKeeperDb> c) =>
        c.Nodes.Nodes.Select(c.Db.ClientEndpoint).ToList();

    /// <summary>The znode under which this run's objects live.</summary>
    static string Root(WorkloadContext<ZooKeeperDb> c) => $"/checker/{c.Run.RunId}";

    /// <summary>The session and request timeouts from the db and client sections.</summary>
    static ZooKeeperClientOptions ClientOptions(WorkloadContext<ZooKeeperDb> c) =>
        new()
        {
            SessionTimeout = TimeSpan.FromSeconds(c.Db.SessionTimeout),
            RequestTimeout = TimeSpan.FromSeconds(c.Spec.Client.OpTimeout),
            ConnectTimeout = TimeSpan.FromSeconds(c.Spec.Client.ConnectTimeout),
        };

    /// <summary>Adds to a stale read what ZooKeeper promises: plain reads may be stale, synced ones may not.</summary>
    static CheckResult Explain(CheckResult r, ZooKeeperRegisterSettings workload)
    {
        if (RegisterWorkload.StaleRead(r) is not { } staleRead)
            return r;
        var summary = r.Summary + "\n" + staleRead;
        if (!workload.SyncReads)
            summary +=
                "\nreads were plain (workload.syncReads false): ZooKeeper lets followers serve stale reads, "
                + "so a stale read here is ZooKeeper's documented behaviour, not necessarily a bug; rerun with "
                + "syncReads true";
        return r with { Summary = summary };
    }

    /// <summary>
    /// Adds to a broken mutex what ZooKeeper promises: the lock recipe excludes others only while the
    /// holder's session lives. A holder whose session expired lost the lock without knowing, and the
    /// ensemble rightly let another client take it; without fencing that is the recipe's limit, not a
    /// server bug. Releases that found their session expired say so in their error.
    /// </summary>
    static CheckResult ExplainMutex(CheckResult r, ZooKeeperMutexes mutex, double sessionTimeout)
    {
        if (r.Verdict != Verdict.Invalid || r.Checker is not ("linearizable" or "mutex") || mutex.ExpiredHolders == 0)
            return r;
        return r with
        {
            Summary =
                r.Summary
                + $"\n{mutex.ExpiredHolders} holder(s) found at release that their session had expired (error "
                + $"'{ZooKeeperMutexes.SessionExpired}'): "
                + "ZooKeeper deleted their lock znode when the session expired and granted the lock to the next "
                + "client while they still "
                + "believed they held it. The lock recipe promises mutual exclusion only while the holder's "
                + "session lives; faults that keep "
                + $"a holder from every server for longer than db.sessionTimeout ({sessionTimeout}s) break it "
                + $"without any server misbehaving",
        };
    }
}
