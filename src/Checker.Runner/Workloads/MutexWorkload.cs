using Checker.Core.Checks;
using Checker.Core.Linearizability;

namespace Checker.Runner.Workloads;

/// <summary>The mutex workload has no fields of its own: one lock, each worker taking and giving it back.</summary>
public class MutexSettings : Databases.ISpecSettings
{
    public virtual string? Problem() => null;
}

/// <summary>
/// One lock: each worker alternates acquire and release (a release after a failed acquire fails at
/// once, nothing sent); the final phase releases what is held. Checked with the mutex model, which
/// also names the holders that overlapped.
/// </summary>
public sealed class MutexWorkload : IWorkload
{
    public const string Acquire = Core.Workloads.MutexChecker.Acquire,
        Release = Core.Workloads.MutexChecker.Release;
    readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> steps = new();

    public Core.Workloads.WorkloadDescriptor Descriptor => Core.Workloads.BuiltInWorkloads.Mutex;

    public Invocation Next(int worker, Random random) =>
        new(steps.AddOrUpdate(worker, 1, (_, n) => n + 1) % 2 == 1 ? Acquire : Release, null, null);

    /// <summary>One release per worker (it fails at once if the worker holds nothing), then done.</summary>
    public Invocation? Final(int worker, int n) => n == 0 ? new(Release, null, null) : null;

    public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) =>
        [
            Descriptor.CreateChecker(
                new(options.Source, new LinearizabilityOptions { Timeout = options.Timeout, SplitByKey = false })
            ),
        ];
}
