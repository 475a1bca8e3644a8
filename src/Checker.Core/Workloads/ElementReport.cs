namespace Checker.Core.Workloads;

/// <summary>One element a set or queue checker names: where its add (enqueue) began and where a read (dequeue) first
/// showed it.</summary>
/// <param name="AddIndex">Index of the add's (enqueue's) invoke record; null when no add of it was ever
/// attempted.</param>
/// <param name="AddTime">That invoke's time in nanoseconds (-1 in an untimed history); null without an add.</param>
/// <param name="SeenIndex">Index of the completion of the first ok read (dequeue) that showed it; null when none
/// did.</param>
/// <param name="SeenTime">That completion's time (-1 untimed); null when never seen.</param>
/// <param name="Seen">How many ok reads (dequeues) showed it.</param>
public sealed record ElementEvent(
    long Element,
    long? AddIndex,
    long? AddTime,
    long? SeenIndex,
    long? SeenTime,
    int Seen
);

/// <summary>The elements of one anomaly class: how many in all, and the first ones (by add, else by sighting)
/// named.</summary>
public sealed record ElementList(int Count, IReadOnlyList<ElementEvent> First)
{
    /// <summary>Details name at most this many elements per class: a million lost elements must not make a million-line
    /// results.json.</summary>
    public const int Cap = 1000;

    public static ElementList Of(List<ElementEvent> all) =>
        new(
            all.Count,
            all.OrderBy(e => e.AddIndex ?? e.SeenIndex ?? long.MaxValue).ThenBy(e => e.Element).Take(Cap).ToList()
        );

    /// <summary>"17 (added op 120 at 1.234 s), 45 (...)": the first few, for a summary line, in the workload's
    /// words.</summary>
    public string Name(string added, string seen, int few = 5)
    {
        var named = First
            .Take(few)
            .Select(e =>
                e.AddIndex is { } a
                    ? $"{e.Element} ({added} op {a}{At(e.AddTime)})"
                    : $"{e.Element} ({seen} op {e.SeenIndex}{At(e.SeenTime)})"
            );
        return string.Join(", ", named) + (Count > few ? $", ... ({Count - few} more)" : "");
    }

    static string At(long? time) => time is >= 0 ? $" at {time.Value / 1e9:0.000} s" : "";
}
