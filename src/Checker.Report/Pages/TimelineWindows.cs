using Checker.Core.History;

namespace Checker.Report.Pages;

/// <summary>
/// Which records the timeline pages show. A history longer than the cap gets its first window as
/// timeline.html and, for an invalid run, a second window centred on the failure: a page per window of
/// the whole history would be hundreds of files nobody opens, and one page for all would not open at all.
/// </summary>
public sealed class TimelineWindows
{
    public sealed record Window(string File, int From, int To, string Why);

    public IReadOnlyList<Window> All { get; }
    public int Records { get; }
    readonly IReadOnlyList<Op> history;
    readonly Dictionary<long, int>? unsortedPositions;

    public const string MainFile = "timeline.html";
    public const string FailureFile = "timeline-failure.html";

    public TimelineWindows(IReadOnlyList<Op> history, int cap, long? failedOpIndex)
    {
        this.history = history;
        Records = history.Count;
        for (var i = 1; i < history.Count && unsortedPositions is null; i++)
            if (history[i].Index <= history[i - 1].Index)
                unsortedPositions = Enumerable
                    .Range(0, history.Count)
                    .GroupBy(p => history[p].Index)
                    .ToDictionary(g => g.Key, g => g.First());
        var windows = new List<Window>();
        if (history.Count <= cap)
        {
            windows.Add(new Window(MainFile, 0, history.Count, "the whole history"));
        }
        else
        {
            windows.Add(new Window(MainFile, 0, cap, $"the first {cap:N0} records"));
            if (failedOpIndex is { } failed && PositionOf(failed) is { } at && at >= cap)
            {
                var from = Math.Clamp(at - cap / 2, 0, history.Count - cap);
                windows.Add(
                    new Window(
                        FailureFile,
                        from,
                        from + cap,
                        $"{cap:N0} records around the op that cannot be linearized"
                    )
                );
            }
        }
        All = windows;
    }

    /// <summary>Where an op (by its history index) is drawn: "timeline.html#op-12", or null when no window shows
    /// it.</summary>
    public string? Link(long opIndex)
    {
        if (PositionOf(opIndex) is not { } at)
            return null;
        var w = All.FirstOrDefault(w => at >= w.From && at < w.To);
        return w is null ? null : $"{w.File}#op-{opIndex}";
    }

    /// <summary>The record's position in the list: indexes ascend in every history Checker writes, so a binary
    /// search.</summary>
    public int? PositionOf(long opIndex)
    {
        if (unsortedPositions is not null)
            return unsortedPositions.TryGetValue(opIndex, out var p) ? p : null;
        int lo = 0,
            hi = history.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var v = history[mid].Index;
            if (v == opIndex)
                return mid;
            if (v < opIndex)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        return null;
    }
}
