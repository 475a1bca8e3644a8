using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Runner.Workloads;

/// <summary>
/// A model check kept to histories small enough for its search (a set's or a queue's state grows with
/// every element, so long histories would only end unknown): above the limit it is not judged and
/// says why, leaving the verdict to the workload's own checker.
/// </summary>
internal sealed class SmallHistoryChecker(IChecker inner, int limit, string field) : IChecker
{
    public string Name => inner.Name;

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default)
    {
        var ops = history.Count(o => o.Type == OpType.Invoke && !o.IsNemesis);
        return ops <= limit
            ? inner.Check(history, cancel)
            : new CheckResult(
                Name,
                Verdict.NotJudged,
                $"not judged: {ops} operations, and the model check runs on at most {limit} ({field})"
            );
    }

    /// <summary>The linearizability check of the whole history (one object, no keys) against a model from the
    /// catalog.</summary>
    public static SmallHistoryChecker Linearizable(
        string model,
        int limit,
        string field,
        WorkloadCheckOptions options
    ) =>
        new(
            new LinearizabilityChecker(
                ModelCatalog.Create(model, null),
                new LinearizabilityOptions
                {
                    Timeout = options.Timeout,
                    SplitByKey = false,
                    Source = options.Source,
                }
            ),
            limit,
            field
        );
}
