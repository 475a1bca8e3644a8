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
/// What every suite does the same way: its db fields and its workload's fields are typed settings,
/// whose defaults go into the spec and whose problems are spec errors. A suite adds its name, what its
/// database can do, its peer ports and its plan.
/// </summary>
public abstract class DatabaseSuite<TDb, TWorkload> : IDatabaseSuite
    where TDb : ISpecSettings, new()
    where TWorkload : ISpecSettings, new()
{
    public abstract string Name { get; }
    public abstract DbNeeds Capabilities { get; }
    public virtual IReadOnlyList<string> Workloads => ["register"];
    public abstract PeerPorts PeerPorts { get; }

    public JObject DefaultSettings() => SpecSections.ToJson(new TDb());

    public JObject DefaultWorkloadSettings(string workload) => SpecSections.ToJson(new TWorkload());

    public void Validate(TestSpec spec)
    {
        if ((DbSettings(spec).Problem() ?? WorkloadSettings(spec).Problem()) is { } problem) throw new SpecException(problem);
    }

    public abstract DbPlan Plan(TestSpec spec, INodeProvider nodes, INetwork network, RunContext run);

    protected static TDb DbSettings(TestSpec spec) => SpecSections.Read<TDb>(spec.Db.Settings, "db");

    protected static TWorkload WorkloadSettings(TestSpec spec) => SpecSections.Read<TWorkload>(spec.Workload.Settings, "workload");
}
