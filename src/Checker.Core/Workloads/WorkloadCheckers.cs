using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;

namespace Checker.Core.Workloads;

/// <summary>
/// The checkers of the set, queue, mutex and bank workloads by name, for a run's workloads and for
/// `checker check --workload`. Each judges one history shape (see the workload contract in the README).
/// </summary>
public static class WorkloadCheckers
{
    public static IReadOnlyList<string> Names { get; } = ["set", "queue", "mutex", "bank"];

    /// <summary>The checker of that workload. Bank needs its options (the total is never guessed); mutex takes the search's options.</summary>
    public static IChecker Create(string workload, string source = "history", BankOptions? bank = null, LinearizabilityOptions? search = null) => workload switch
    {
        "set" => new SetChecker(source),
        "queue" => new QueueChecker(source),
        "mutex" => new MutexChecker((search ?? new LinearizabilityOptions()) with { Source = source }),
        "bank" => new BankChecker(bank ?? throw new ArgumentException("the bank checker needs the expected total (BankOptions): it is never guessed from the history"), source),
        _ => throw new ArgumentException($"unknown workload '{workload}' (one of: {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// Which completions show a node serving, for the recovery checker: besides ok, the refusals only a
    /// serving node gives (an empty queue, a lock held by another). Null: ok completions only.
    /// </summary>
    public static Func<Op, bool>? Serves(string? workload) => workload switch
    {
        "queue" => QueueChecker.Answered,
        "mutex" => MutexChecker.Answered,
        _ => null,
    };
}
