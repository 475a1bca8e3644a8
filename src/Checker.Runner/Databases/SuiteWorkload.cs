using Checker.Core.Checks;
using Checker.Core.Workloads;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Databases;

/// <summary>What a suite's workload adds to the plan: the clients, the workload, and what a result means for this
/// database.</summary>
public sealed record WorkloadPlan(
    IClientFactory Clients,
    IWorkload Workload,
    Func<CheckResult, CheckResult>? Explain = null
);

/// <summary>What a suite's workload may use to make its clients.</summary>
/// <param name="Spec">The whole spec (client timeouts, client.mode).</param>
/// <param name="Db">The suite's database, for its client endpoints and settings.</param>
/// <param name="Nodes">The nodes.</param>
/// <param name="Run">The run's id (for a root path of its own), seed and log.</param>
public sealed record WorkloadContext<TDatabase>(TestSpec Spec, TDatabase Db, INodeProvider Nodes, RunContext Run)
{
    /// <summary>The probability of a deliberate fault per operation: 0 unless the client runs in its workload's faulty
    /// mode.</summary>
    public double FaultProbability =>
        Spec.Client.Mode == ClientModes.FaultyModeOf(Spec.Workload.Name) ? Spec.Client.FaultProbability : 0;
}

/// <summary>
/// One workload as a suite runs it: which workload, its settings in the spec's workload section, and
/// how its plan is made.
/// </summary>
public abstract class SuiteWorkload<TDatabase>(WorkloadDescriptor workload)
{
    public string Name => workload.Name;

    /// <summary>The workload's fields with their defaults.</summary>
    public abstract JObject DefaultSettings();

    /// <summary>The problem with the spec's workload fields, naming one, or null.</summary>
    public abstract string? Problem(TestSpec spec);

    /// <summary>The clients and the workload for this spec.</summary>
    public abstract WorkloadPlan Plan(WorkloadContext<TDatabase> context);

    /// <summary>A workload whose fields are the settings type T.</summary>
    public static SuiteWorkload<TDatabase> Of<T>(
        WorkloadDescriptor workload,
        Func<T, WorkloadContext<TDatabase>, WorkloadPlan> plan
    )
        where T : ISpecSettings, new() => new Typed<T>(workload, plan);

    sealed class Typed<T>(WorkloadDescriptor workload, Func<T, WorkloadContext<TDatabase>, WorkloadPlan> plan)
        : SuiteWorkload<TDatabase>(workload)
        where T : ISpecSettings, new()
    {
        public override JObject DefaultSettings() => SpecSections.ToJson(new T());

        public override string? Problem(TestSpec spec) => Read(spec).Problem();

        public override WorkloadPlan Plan(WorkloadContext<TDatabase> context) => plan(Read(context.Spec), context);

        static T Read(TestSpec spec) => SpecSections.Read<T>(spec.Workload.Settings, "workload");
    }
}
