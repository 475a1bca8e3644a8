using Checker.Core.Checks;

namespace Checker.Runner.Workloads;

/// <summary>The set workload's fields: the op mix and the size up to which the set model also checks it.</summary>
public class SetSettings : Databases.ISpecSettings
{
    public double AddWeight { get; set; } = 10;
    public double ReadWeight { get; set; } = 1;

    /// <summary>Histories of at most this many operations are also checked against the linearizable set model (its
    /// search grows fast).</summary>
    public int ModelLimit { get; set; } = 400;

    public virtual string? Problem() =>
        AddWeight <= 0 ? "field 'workload.addWeight' must be positive"
        : ReadWeight < 0 ? "field 'workload.readWeight' must not be negative"
        : ModelLimit < 0 ? "field 'workload.modelLimit' must not be negative"
        : null;
}

/// <summary>
/// A grow-only set: add a unique element, now and then read the whole set; the final phase reads it
/// after the faults are healed. Checked by the set checker (is an acknowledged element ever lost?),
/// and on small histories by the linearizable set model.
/// </summary>
public sealed class SetWorkload(SetSettings settings) : IWorkload
{
    public const string Add = Core.Workloads.SetChecker.Add,
        Read = Core.Workloads.SetChecker.Read;
    long next;

    public Core.Workloads.WorkloadDescriptor Descriptor => Core.Workloads.BuiltInWorkloads.Set;

    public Invocation Next(int worker, Random random) =>
        random.NextDouble() * (settings.AddWeight + settings.ReadWeight) < settings.ReadWeight
            ? new Invocation(Read, null, null)
            : new Invocation(Add, null, Interlocked.Increment(ref next));

    public Invocation? Final(int worker, int n) => new(Read, null, null);

    public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) =>
        [
            Descriptor.CreateChecker(new(options.Source)),
            SmallHistoryChecker.Linearizable(Descriptor.Model!, settings.ModelLimit, "workload.modelLimit", options),
        ];
}
