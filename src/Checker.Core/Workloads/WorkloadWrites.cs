using Checker.Core.History;

namespace Checker.Core.Workloads;

/// <summary>
/// Which operations of a workload change the database, for the availability check: a write acknowledged
/// is one the cluster committed. The mutex has none that must keep succeeding (a lock may rightly be
/// held for long), so it is not judged for availability.
/// </summary>
public static class WorkloadWrites
{
    /// <summary>The workload's writes, by the op's f; null when the workload is not judged for availability.</summary>
    public static Func<Op, bool>? For(string? workload) => workload switch
    {
        "register" => op => op.F is "write" or "cas",
        "set" => op => op.F == SetChecker.Add,
        "queue" => op => op.F == QueueChecker.Enqueue,
        "bank" => op => op.F == BankChecker.Transfer,
        _ => null,
    };
}
