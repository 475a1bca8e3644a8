using Checker.Core.History;

namespace Checker.Core.Checks;

/// <summary>
/// A span in which one node's log shows it without a leader: it lost its leader (elected at
/// <paramref name="FromTerm"/>) at <paramref name="LostAt"/> and followed one again, elected at
/// <paramref name="ToTerm"/>, at <paramref name="ElectedAt"/> (null: not before its log ends). Times are
/// in the history's time base (nanoseconds since the test began), as the node's clock put them.
/// </summary>
/// <param name="Trigger">
/// What the log says made it step down, when it says (e.g. "a MsgAppResp with the higher term 18 from n2").
/// </param>
public sealed record LeaderElection(
    string Node,
    long LostAt,
    long? ElectedAt,
    long FromTerm,
    long? ToTerm,
    string? Trigger = null
)
{
    /// <summary>
    /// e.g. "a leader election (term 16→20) in n3's log at 57.4s..60.1s, set off by a MsgAppResp with the
    /// higher term 18 from n2".
    /// </summary>
    public string Describe()
    {
        static string Sec(long t) => $"{t / 1e9:0.0}s";
        var terms = ToTerm is { } to
            ? $"term {FromTerm}→{to}"
            : $"from term {FromTerm}, no leader again before the log ends";
        var span = ElectedAt is { } e ? $"{Sec(LostAt)}..{Sec(e)}" : Sec(LostAt);
        var trigger = Trigger is null ? "" : $", set off by {Trigger}";
        return $"a leader election ({terms}) in {Node}'s log at {span}{trigger}";
    }
}

/// <summary>
/// What a stall found by the recovery check is likely due to, from what the history and the node logs
/// show; and whether it was a re-election a heal set off, which is judged as part of that heal's recovery.
/// </summary>
static class StallCauses
{
    /// <summary>
    /// A re-election the heal set off: it began after the heal, within the budget of calm time from it, with
    /// no fault between (the node was calm from its last ok to its next), and the node served again within
    /// the budget of calm time after the heal. Such a gap is the heal's recovery still under way (a member
    /// rejoining with a higher term unseats the leader, as raft without pre-vote does), not a stall; returns
    /// the note that says so, or null when the gap is judged as a stall.
    /// </summary>
    public static string? HealRecovery(
        string node,
        long from,
        long to,
        IReadOnlyList<LeaderElection>? elections,
        CalmClock clock,
        long budget,
        Func<long, double> sec
    )
    {
        if (elections is null)
            return null;
        var heal = clock.Faults.LastOrDefault(f => f.Healed && f.To <= from);
        if (heal is null || clock.Between(heal.To, to) > budget)
            return null;
        var election = Overlapping(elections, from, to)
            .FirstOrDefault(e => e.LostAt >= heal.To && clock.Between(heal.To, e.LostAt) <= budget);
        if (election is null)
            return null;
        return $"{node}: no ok operation from {sec(from):0.0}s to {sec(to):0.0}s was {election.Describe()}, "
            + "which the "
            + $"{string.Join("+", heal.Kinds)} heal at {sec(heal.To):0.0}s set off: judged as that heal's recovery "
            + $"({node} served again {clock.Between(heal.To, to) / 1e9:0.0}s of calm time after the heal)";
    }

    /// <summary>
    /// The likely cause of a stall, as a clause to append: the leader elections the logs show during it, and
    /// how the operations tried on the node in it ended (their most common errors); empty when neither says
    /// anything.
    /// </summary>
    public static string Cause(
        string node,
        long from,
        long to,
        IReadOnlyList<LeaderElection>? elections,
        IReadOnlyList<Op> history,
        Func<int, string>? nodeOf
    )
    {
        var parts = new List<string>();
        if (elections is not null)
        {
            var during = Overlapping(elections, from, to)
                .OrderBy(e => e.Node == node ? 0 : 1)
                .ThenBy(e => e.LostAt)
                .ToList(); // the node's own log first
            if (during.Count == 0)
                parts.Add("the node logs show no leader election during it");
            else
                parts.Add(
                    "likely cause: "
                        + during[0].Describe()
                        + (during.Count > 1 ? $" (and {during.Count - 1} more)" : "")
                );
        }
        var errors = ErrorsOfTries(node, from, to, history, nodeOf);
        if (errors.Count > 0)
            parts.Add("the ops tried ended: " + string.Join(", ", errors.Select(e => $"{e.Error} ({e.Count})")));
        return parts.Count == 0 ? "" : "; " + string.Join("; ", parts);
    }

    static IEnumerable<LeaderElection> Overlapping(IReadOnlyList<LeaderElection> elections, long from, long to) =>
        elections.Where(e => e.LostAt < to && (e.ElectedAt ?? long.MaxValue) > from);

    /// <summary>The errors of client ops invoked on the node in [from, to), most common first (three).</summary>
    static List<(string Error, int Count)> ErrorsOfTries(
        string node,
        long from,
        long to,
        IReadOnlyList<Op> history,
        Func<int, string>? nodeOf
    )
    {
        var invokedOn = new Dictionary<int, (string Node, long At)>();
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var op in history)
        {
            if (op.IsNemesis)
                continue;
            if (op.Type == OpType.Invoke)
            {
                invokedOn[op.Process] = (nodeOf?.Invoke(op.Process) ?? op.Node ?? "cluster", op.Time);
                continue;
            }
            if (op.Type == OpType.Ok || !invokedOn.TryGetValue(op.Process, out var inv))
                continue;
            if (inv.Node != node || inv.At < from || inv.At >= to)
                continue;
            var error = op.Error?.TrimEnd(' ', ':') is { Length: > 0 } e
                ? e
                : $"{op.Type.ToString().ToLowerInvariant()} without an error";
            errors[error] = errors.GetValueOrDefault(error) + 1;
        }
        return errors
            .OrderByDescending(e => e.Value)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .Take(3)
            .Select(e => (e.Key, e.Value))
            .ToList();
    }
}
