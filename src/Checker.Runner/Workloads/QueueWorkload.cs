using Checker.Core.Checks;

namespace Checker.Runner.Workloads;

/// <summary>The queue workload's fields: the op mix and the size up to which the queue model also checks it.</summary>
public class QueueSettings : Databases.ISpecSettings
{
    public double EnqueueWeight { get; set; } = 1;
    public double DequeueWeight { get; set; } = 1;

    /// <summary>Histories of at most this many operations are also checked against the unordered-queue model.</summary>
    public int ModelLimit { get; set; } = 400;

    public virtual string? Problem() =>
        EnqueueWeight <= 0 ? "field 'workload.enqueueWeight' must be positive"
        : DequeueWeight < 0 ? "field 'workload.dequeueWeight' must not be negative"
        : ModelLimit < 0 ? "field 'workload.modelLimit' must not be negative"
        : null;
}

/// <summary>
/// A queue: enqueue unique elements and dequeue them; the final phase drains it after the faults are
/// healed (a dequeue of an empty queue fails with "empty"). Checked by the total-queue checker (is a
/// message lost, delivered twice, or made up?), and on small histories by the unordered-queue model.
/// </summary>
public sealed class QueueWorkload(QueueSettings settings) : IWorkload
{
    public const string Enqueue = Core.Workloads.QueueChecker.Enqueue,
        Dequeue = Core.Workloads.QueueChecker.Dequeue,
        Empty = Core.Workloads.QueueChecker.EmptyError;
    long next;

    public Core.Workloads.WorkloadDescriptor Descriptor => Core.Workloads.BuiltInWorkloads.Queue;

    public Invocation Next(int worker, Random random) =>
        random.NextDouble() * (settings.EnqueueWeight + settings.DequeueWeight) < settings.DequeueWeight
            ? new Invocation(Dequeue, null, null)
            : new Invocation(Enqueue, null, Interlocked.Increment(ref next));

    public Invocation? Final(int worker, int n) => new(Dequeue, null, null);

    public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) =>
        [
            Descriptor.CreateChecker(new(options.Source)),
            SmallHistoryChecker.Linearizable(Descriptor.Model!, settings.ModelLimit, "workload.modelLimit", options),
        ];
}
