using Checker.Core.History;

namespace Checker.Core.Checks;

/// <summary>
/// Time with no fault active. The recovery check counts a node's time without service on this clock,
/// so a budget spans as many calm windows as it takes: a cluster that serves nothing after a heal fails
/// whatever the schedule, even when every calm window is shorter than the budget.
/// </summary>
public sealed class CalmClock
{
    /// <summary>Disjoint spans with some fault active, in time order, clamped to the history.</summary>
    public IReadOnlyList<FaultSpan> Faults { get; }

    readonly long end;

    public CalmClock(IReadOnlyList<FaultWindow> windows, long end)
    {
        this.end = end;
        var merged = new List<FaultSpan>();
        foreach (var w in windows.OrderBy(w => w.Start))
        {
            var to = Math.Min(w.End, end);
            if (merged.Count > 0 && w.Start <= merged[^1].To)
            {
                var last = merged[^1];
                merged[^1] = last with
                {
                    To = Math.Max(last.To, to),
                    Kinds = last.Kinds.Contains(w.Kind) ? last.Kinds : [.. last.Kinds, w.Kind],
                    Healed = last.Healed && w.Healed,
                };
            }
            else
                merged.Add(new FaultSpan(w.Start, to, [w.Kind], w.Healed));
        }
        Faults = merged;
    }

    /// <summary>The calm spans between `from` and `to`.</summary>
    public IEnumerable<(long From, long To)> CalmBetween(long from, long to)
    {
        var cursor = from;
        foreach (var (a, b, _, _) in Faults)
        {
            if (b <= cursor)
                continue;
            if (a >= to)
                break;
            if (a > cursor)
                yield return (cursor, a);
            cursor = Math.Max(cursor, b);
        }
        if (cursor < to)
            yield return (cursor, to);
    }

    /// <summary>Calm time between `from` and `to`.</summary>
    public long Between(long from, long to) => CalmBetween(from, to).Sum(s => s.To - s.From);

    /// <summary>When `amount` of calm time has passed after `from`; null if the history ends first.</summary>
    public long? After(long from, long amount)
    {
        var left = amount;
        foreach (var (a, b) in CalmBetween(from, end))
        {
            if (b - a >= left)
                return a + left;
            left -= b - a;
        }
        return null;
    }
}

/// <summary>A span with some fault active; Healed when it ends with a heal rather than with the history.</summary>
public sealed record FaultSpan(long From, long To, IReadOnlyList<string> Kinds, bool Healed);
