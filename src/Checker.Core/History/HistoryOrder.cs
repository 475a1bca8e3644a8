using System.Globalization;

namespace Checker.Core.History;

/// <summary>
/// The order a history's records must keep to be one history: each record's index above the one before it
/// (Jepsen's and Checker's recorders number records in the order they write them), no completion before its
/// invoke, and in a timed history no process starting an op before its own previous op completed. Times
/// across processes may be slightly out of file order (older Jepsen took an op's time on its worker thread
/// before appending it), but never by more than <see cref="Jitter"/>: a larger step back is two histories
/// joined end to end, the second starting again from 0. A damaged order is bad input naming both lines.
/// </summary>
public static class HistoryOrder
{
    /// <summary>How far a record's time may lie before an earlier one's: recorders' jitter, never a second.</summary>
    public const long Jitter = 1_000_000_000;

    public static void Check(IReadOnlyList<Op> ops, string source)
    {
        var timed = Timed(ops);
        var last = new Dictionary<int, Op>(); // process -> its latest record
        Op? previous = null,
            latest = null; // the record before, and the one with the latest time so far
        foreach (var op in ops)
        {
            // The process's own order first: it names the line that matters (its invoke, or its last completion).
            if (last.TryGetValue(op.Process, out var before))
            {
                string Who() => op.IsNemesis ? "the nemesis" : $"process {op.Process}";
                if (timed && op.Type == OpType.Invoke && before.Type != OpType.Invoke && op.Time < before.Time)
                    throw Damaged(
                        source,
                        op,
                        $"{Who()} invokes {op.F} at {Seconds(op.Time)}, before its previous op "
                            + $"({before.F}) completed at {Seconds(before.Time)}{At(before)}"
                    );
                var early = timed ? op.Time < before.Time : op.Index < before.Index;
                if (op.Type != OpType.Invoke && before.Type == OpType.Invoke && early)
                    throw Damaged(
                        source,
                        op,
                        timed
                            ? $"time runs backwards: {Who()}'s {op.F} completes at {Seconds(op.Time)}, "
                                + $"before its invoke at {Seconds(before.Time)}{At(before)}"
                            : $"{Who()}'s {op.F} completes at index {op.Index}, before its invoke at index "
                                + $"{before.Index}{At(before)}: it could never be placed"
                    );
            }
            if (previous is not null && op.Index <= previous.Index)
                throw Damaged(
                    source,
                    op,
                    $"index {op.Index} comes after index {previous.Index}{At(previous)}: "
                        + "indexes must rise in the order records are written "
                        + "(two histories joined end to end, or records moved?)"
                );
            if (timed && latest is not null && op.Time < latest.Time - Jitter)
                throw Damaged(
                    source,
                    op,
                    $"time runs backwards: {Seconds(op.Time)} comes after "
                        + $"{Seconds(latest.Time)}{At(latest)} "
                        + "(two histories joined end to end, the second starting again from 0?)"
                );
            last[op.Process] = op;
            previous = op;
            if (latest is null || op.Time > latest.Time)
                latest = op;
        }
    }

    /// <summary>Every record has a time (and there is one).</summary>
    internal static bool Timed(IReadOnlyList<Op> ops)
    {
        foreach (var o in ops)
            if (o.Time < 0)
                return false;
        return ops.Count > 0;
    }

    static HistoryFormatException Damaged(string source, Op op, string problem) =>
        new(source, op.Line, $"a damaged history: {problem}");

    static string At(Op op) => op.Line > 0 ? $" (line {op.Line})" : $" (op {op.Index})";

    static string Seconds(long nanos) => (nanos / 1e9).ToString("0.#########", CultureInfo.InvariantCulture) + " s";
}
