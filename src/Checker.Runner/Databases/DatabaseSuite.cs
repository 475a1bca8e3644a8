using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Databases;

/// <summary>Fields of a spec section that a suite owns, with the check of their values.</summary>
public interface ISpecSettings
{
    /// <summary>The problem with the fields, naming one, or null.</summary>
    string? Problem();
}

/// <summary>
/// What every suite does the same way: its db fields are a typed settings class, and each workload it
/// runs has typed settings of its own; their defaults go into the spec and their problems are spec
/// errors. A suite adds its name, its peer ports, its database (whose interfaces say what it can do)
/// and the table of its workloads.
/// </summary>
public abstract class DatabaseSuite<TSettings, TDatabase> : IDatabaseSuite
    where TSettings : ISpecSettings, new()
    where TDatabase : IDb
{
    public abstract string Name { get; }
    public Type DbType => typeof(TDatabase);
    public abstract PeerPorts PeerPorts { get; }

    /// <summary>The workloads this suite has clients for.</summary>
    protected abstract IReadOnlyList<SuiteWorkload<TDatabase>> WorkloadTable { get; }

    /// <summary>The database on the nodes, built but not started.</summary>
    protected abstract TDatabase CreateDb(
        TSettings settings,
        TestSpec spec,
        INodeProvider nodes,
        INetwork network,
        RunContext run
    );

    public IReadOnlyList<string> Workloads => WorkloadTable.Select(w => w.Name).ToList();

    public JObject DefaultSettings() => SpecSections.ToJson(new TSettings());

    public JObject DefaultWorkloadSettings(string workload) => Find(workload).DefaultSettings();

    public void Validate(TestSpec spec)
    {
        if ((DbSettings(spec).Problem() ?? Find(spec.Workload.Name).Problem(spec)) is { } problem)
            throw new SpecException(problem);
    }

    public DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run)
    {
        var db = CreateDb(DbSettings(spec), spec, nodes, network, run);
        var plan = Find(spec.Workload.Name).Plan(new WorkloadContext<TDatabase>(spec, db, nodes, run));
        return new DbPlan(db, plan.Clients, plan.Workload, plan.Explain);
    }

    protected static TSettings DbSettings(TestSpec spec) => SpecSections.Read<TSettings>(spec.Db.Settings, "db");

    SuiteWorkload<TDatabase> Find(string workload) =>
        WorkloadTable.FirstOrDefault(w => w.Name == workload)
        ?? throw new SpecException(
            $"field 'workload.name': '{workload}' is not a workload {Name} runs (known: {string.Join(", ", Workloads)})"
        );
}
