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

namespace Checker.Databases.Etcd;

/// <summary>etcd 3.4: a static cluster of one member per node; each workload's objects are keys under /checker/run-id,
/// through dotnet-etcd.</summary>
public sealed class EtcdSuite : DatabaseSuite<EtcdSettings, EtcdDb>
{
    public override string Name => "etcd";

    public override PeerPorts PeerPorts { get; } = new([EtcdDb.PeerPort]);

    protected override IReadOnlyList<SuiteWorkload<EtcdDb>> WorkloadTable { get; } =
    [
        SuiteWorkload<EtcdDb>.Of<EtcdRegisterSettings>(BuiltInWorkloads.Register, (w, c) =>
            new(
                StaleReadsFactory.ForMode(
                    new EtcdRegisters(Endpoints(c), Prefix(c), w.SerializableReads, OpTimeout(c), ConnectTimeout(c)),
                    c.Spec.Client,
                    c.Run.Seed
                ),
                new RegisterWorkload(w),
                r => Explain(r, w)
            )
        ),
        SuiteWorkload<EtcdDb>.Of<SetSettings>(BuiltInWorkloads.Set, (w, c) =>
            new(
                new EtcdSets(Endpoints(c), Prefix(c), OpTimeout(c), ConnectTimeout(c), c.FaultProbability, c.Run.Seed),
                new SetWorkload(w)
            )
        ),
        SuiteWorkload<EtcdDb>.Of<QueueSettings>(BuiltInWorkloads.Queue, (w, c) =>
            new(
                new EtcdQueues(
                    Endpoints(c),
                    Prefix(c),
                    OpTimeout(c),
                    ConnectTimeout(c),
                    c.FaultProbability,
                    c.Run.Seed
                ),
                new QueueWorkload(w)
            )
        ),
        SuiteWorkload<EtcdDb>.Of<MutexSettings>(BuiltInWorkloads.Mutex, (w, c) =>
        {
            var mutexes = new EtcdMutexes(
                Endpoints(c),
                Prefix(c),
                OpTimeout(c),
                ConnectTimeout(c),
                c.FaultProbability,
                c.Run.Seed
            );
            return new(mutexes, new MutexWorkload(), r => ExplainMutex(r, mutexes));
        }),
        SuiteWorkload<EtcdDb>.Of<BankSettings>(BuiltInWorkloads.Bank, (w, c) =>
            new(
                new EtcdBanks(
                    Endpoints(c),
                    Prefix(c),
                    w,
                    OpTimeout(c),
                    ConnectTimeout(c),
                    c.FaultProbability,
                    c.Run.Seed
                ),
                new BankWorkload(w)
            )
        ),
    ];

    protected override EtcdDb CreateDb(
        EtcdSettings settings,
        TestSpec spec,
        INodeProvider nodes,
        INetwork network,
        RunContext run
    )
    {
        var candidate = spec.Db.Install
            ?? (Environment.GetEnvironmentVariable("ETCD_BIN") is { Length: > 0 } bin ? bin : null);
        return new EtcdDb(
            settings,
            candidate,
            TimeSpan.FromSeconds(spec.Db.StartTimeout),
            nodes,
            network,
            run.RunId,
            run.Log
        );
    }

    /// <summary>Each node's client address and port.</summary>
    static List<(string Host, int Port)> Endpoints(WorkloadContext<EtcdDb> c) =>
        c.Nodes.Nodes.Select(c.Db.ClientEndpoint).ToList();

    /// <summary>The key prefix under which this run's objects live.</summary>
    static string Prefix(WorkloadContext<EtcdDb> c) => $"/checker/{c.Run.RunId}";

    static TimeSpan OpTimeout(WorkloadContext<EtcdDb> c) => TimeSpan.FromSeconds(c.Spec.Client.OpTimeout);

    static TimeSpan ConnectTimeout(WorkloadContext<EtcdDb> c) => TimeSpan.FromSeconds(c.Spec.Client.ConnectTimeout);

    /// <summary>Adds to a stale read what etcd promises: serializable reads may be stale, linearizable ones may
    /// not.</summary>
    static CheckResult Explain(CheckResult r, EtcdRegisterSettings workload)
    {
        if (RegisterWorkload.StaleRead(r) is not { } staleRead)
            return r;
        var summary = r.Summary + "\n" + staleRead;
        if (workload.SerializableReads)
            summary +=
                "\nreads were serializable (workload.serializableReads true): etcd lets any member answer them "
                + "from its own state, "
                + "so a stale read here is etcd's documented behaviour, not necessarily a bug; rerun with "
                + "serializableReads false";
        return r with { Summary = summary };
    }

    /// <summary>
    /// Adds to an invalid mutex result what etcd's lock is: a lease. etcd frees a lock whose lease ran
    /// out, whether or not its holder still believes it holds it; such holders' releases carry the
    /// error "lease expired", and an overlap with one of them is etcd's documented lease semantics (a
    /// lock needs a fencing token to be safe), not a broken compare.
    /// </summary>
    static CheckResult ExplainMutex(CheckResult r, EtcdMutexes mutexes)
    {
        if (r.Verdict != Verdict.Invalid || r.Checker is not ("mutex" or "linearizable"))
            return r;
        var expired = mutexes.ExpiredReleases;
        var why =
            expired == 0
                ? "no release found its lease expired, so no holder lost the lock to a lease running out: the "
                    + "overlap is not etcd's lease semantics"
                : $"{expired} release(s) found the lock already gone, recorded ok with the error "
                    + $"\"{EtcdMutexes.LeaseExpired}\": etcd deletes the lock key "
                    + "when its lease runs out, whether or not its holder still believes it holds it. An overlap "
                    + "with such a holder is what etcd "
                    + "promises for leases (a lock needs a fencing token to be safe), not a broken compare; an "
                    + "overlap between holders that released normally is a violation";
        return r with
        {
            Summary =
                r.Summary
                + $"\netcd's lock is a lease ({mutexes.LeaseTtl}s, granted at each acquire, not renewed): {why}",
        };
    }
}
