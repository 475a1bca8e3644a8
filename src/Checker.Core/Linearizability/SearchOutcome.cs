using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>What the search found for one independent part of a history.</summary>
/// <param name="Blocked">The operation whose completion no linearization could reach (invalid only).</param>
/// <param name="Prefix">The longest linearization found: operations in the order they took effect.</param>
/// <param name="States">Model states the object could be in when Blocked had to take effect.</param>
/// <param name="Linearization">A complete legal order (valid only).</param>
internal sealed record SearchOutcome(
    Verdict Verdict,
    string? Cause,
    Operation? Blocked,
    IReadOnlyList<Operation> Prefix,
    IReadOnlyList<object?> States,
    IReadOnlyList<Operation> Linearization,
    long Configurations
);

/// <summary>
/// Where a search begins: a model state, and the crashed operations (by invoke index) that already
/// took effect before it. Used to carry the search across a quiet moment of a long history.
/// </summary>
internal sealed record StartConfig(object? State, IReadOnlySet<long> Used)
{
    public static StartConfig Initial(Model model) => new(model.Initial, new HashSet<long>());
}
