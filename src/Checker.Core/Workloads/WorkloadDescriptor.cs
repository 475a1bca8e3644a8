using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;

namespace Checker.Core.Workloads;

/// <summary>
/// Everything Checker knows about a workload apart from its operations and its clients, in one place:
/// the checker that judges its history, the model for small histories, the details its checker writes,
/// its clients' faulty mode, which completions show a node serving and which operations are writes.
/// The runner, the report and `checker check --workload` all read it from <see cref="WorkloadCatalog"/>.
/// </summary>
/// <param name="Name">The spec's workload.name; also the name of its checker's check in results.json.</param>
public sealed record WorkloadDescriptor(string Name)
{
    /// <summary>Its own checker, for a run and for `checker check --workload`; null: the model judges.</summary>
    public Func<WorkloadCheckerOptions, IChecker>? Checker { get; init; }

    /// <summary>The model (ModelCatalog's name) its histories are also checked against, or null.</summary>
    public string? Model { get; init; }

    /// <summary>The record its checker writes as details, so the report reads them back typed; null: none.</summary>
    public Type? DetailType { get; init; }

    /// <summary>The clients' deliberately faulty mode (client.mode), or null when it has none.</summary>
    public FaultyClientMode? FaultyMode { get; init; }

    /// <summary>
    /// Which completions show a node serving, for the recovery check: besides ok, the refusals only a
    /// serving node gives (an empty queue, a lock held by another). Null: ok completions only.
    /// </summary>
    public Func<Op, bool>? Serves { get; init; }

    /// <summary>
    /// Which operations change the database (by the op's f), for the availability check and the stall
    /// watch: an acknowledged one is one the cluster committed. Null: not judged for availability.
    /// </summary>
    public Func<Op, bool>? Writes { get; init; }

    /// <summary>Whether a completion shows its node serving: <see cref="Serves"/>, or an ok.</summary>
    public bool IsServing(Op completion) => Serves?.Invoke(completion) ?? completion.Type == OpType.Ok;

    /// <summary>Its checker; throws ArgumentException when it is judged by a model alone.</summary>
    public IChecker CreateChecker(WorkloadCheckerOptions options) =>
        (
            Checker
            ?? throw new ArgumentException(
                $"the {Name} workload has no checker of its own: it is checked with the {Model} model"
            )
        )(options);
}

/// <summary>A client mode that makes a known anomaly, and what it does wrong.</summary>
public sealed record FaultyClientMode(string Mode, string Does);

/// <summary>What a workload's checker may be given.</summary>
/// <param name="Source">The history's file name, for messages.</param>
/// <param name="Search">The linearizability search's options, for checkers that search.</param>
/// <param name="Bank">The bank's expected total and rules (never guessed from the history).</param>
public sealed record WorkloadCheckerOptions(
    string Source = "history",
    LinearizabilityOptions? Search = null,
    BankOptions? Bank = null
);
