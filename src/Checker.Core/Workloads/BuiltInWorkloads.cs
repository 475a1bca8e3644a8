using Checker.Core.Linearizability;

namespace Checker.Core.Workloads;

/// <summary>The descriptors of the five workloads Checker ships (see the workload contract in the README).</summary>
public static class BuiltInWorkloads
{
    /// <summary>Read, write and cas over independent keys, checked per key against the cas-register model.</summary>
    public static readonly WorkloadDescriptor Register = new("register")
    {
        Model = "cas-register",
        FaultyMode = new("stale-reads", "answers some reads from a stale local copy"),
        Writes = op => op.F is "write" or "cas",
    };

    public static readonly WorkloadDescriptor Set = new("set")
    {
        Checker = o => new SetChecker(o.Source),
        Model = "set",
        DetailType = typeof(SetReport),
        FaultyMode = new("lose-adds", "acknowledges some adds without writing them"),
        Writes = op => op.F == SetChecker.Add,
    };

    public static readonly WorkloadDescriptor Queue = new("queue")
    {
        Checker = o => new QueueChecker(o.Source),
        Model = "unordered-queue",
        DetailType = typeof(QueueReport),
        FaultyMode = new("deliver-twice", "leaves some dequeued elements in the queue, so they are delivered again"),
        Serves = QueueChecker.Answered,
        Writes = op => op.F == QueueChecker.Enqueue,
    };

    /// <summary>No write must keep succeeding (a lock may rightly be held long): not judged for availability.</summary>
    public static readonly WorkloadDescriptor Mutex = new("mutex")
    {
        Checker = o => new MutexChecker((o.Search ?? new LinearizabilityOptions()) with { Source = o.Source }),
        Model = "mutex",
        DetailType = typeof(MutexReport),
        FaultyMode = new("grant-twice", "grants some acquires without taking the lock"),
        Serves = MutexChecker.Answered,
    };

    /// <summary>Its checker needs the expected total (BankOptions): it is never guessed from the history.</summary>
    public static readonly WorkloadDescriptor Bank = new("bank")
    {
        Checker = o => new BankChecker(
            o.Bank
                ?? throw new ArgumentException(
                    "the bank checker needs the expected total (BankOptions): it is never guessed from the history"
                ),
            o.Source
        ),
        DetailType = typeof(BankReport),
        FaultyMode = new("half-transfers", "applies only the debit of some transfers"),
        Writes = op => op.F == BankChecker.Transfer,
    };
}
