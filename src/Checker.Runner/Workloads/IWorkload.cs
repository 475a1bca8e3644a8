using Checker.Core.Checks;

namespace Checker.Runner.Workloads;

/// <summary>
/// Jepsen's workload: the operations clients perform, what they do once the faults are healed, and
/// the checkers that judge the history, handed over together so that they always agree.
/// </summary>
public interface IWorkload
{
    /// <summary>What Checker knows of the workload besides its operations: its checker, model, modes, writes.</summary>
    Core.Workloads.WorkloadDescriptor Descriptor { get; }

    /// <summary>The spec's workload.name.</summary>
    string Name => Descriptor.Name;

    /// <summary>The next operation of the main phase for a worker (0..concurrency-1); called by one worker at a time
    /// per worker.</summary>
    Invocation Next(int worker, Random random);

    /// <summary>The n-th operation a worker performs in the final phase (final reads, a drain); null: that worker is
    /// done.</summary>
    Invocation? Final(int worker, int n);

    /// <summary>The checkers this workload's history needs (the runner adds stats and recovery).</summary>
    IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options);

    /// <summary>
    /// Whether a completion shows its node serving, for the recovery check: an ok, or a refusal only a
    /// serving node gives, as `checker check --workload` judges it too (the descriptor's Serves).
    /// </summary>
    bool Serves(Core.History.Op completion) => Descriptor.IsServing(completion);
}

/// <summary>What a workload's checkers may be told by the run.</summary>
/// <param name="Timeout">How long a search may take before it answers unknown.</param>
/// <param name="Source">The history's file name, for messages.</param>
public sealed record WorkloadCheckOptions(TimeSpan Timeout, string Source);
