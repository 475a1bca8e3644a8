namespace Checker.Core.History;

/// <summary>A span of time during which the nemesis had a fault active.</summary>
/// <param name="Kind">partition, kill, pause, slow, loss, ... (the part after "start-").</param>
/// <param name="Start">Time the fault began (history time unit).</param>
/// <param name="End">Time it was healed; long.MaxValue when the history ends with it still active.</param>
/// <param name="Description">The nemesis op's value, printed (e.g. the partition's grudge).</param>
public sealed record FaultWindow(string Kind, long Start, long End, string Description)
{
    public bool Healed => End != long.MaxValue;

    /// <summary>The nemesis op's value as data (the grudge, the nodes killed), for checks that reason about
    /// it.</summary>
    public object? Value { get; init; }
}

/// <summary>
/// Reads the nemesis's active windows out of a history. Nemesis ops use process "nemesis" and
/// f = "start-KIND" / "stop-KIND" (Checker's own), or Jepsen's pairs kill/restart|start, pause/resume,
/// start/stop (kind "fault"); "heal" ends every open window. A window opens at the op that reports the
/// fault in place (the info or ok completion, else the invoke) and closes likewise.
/// </summary>
public static class FaultWindows
{
    public static List<FaultWindow> From(IEnumerable<Op> history)
    {
        var open = new Dictionary<string, (long Start, string Description, object? Value)>();
        var windows = new List<FaultWindow>();
        var lastTime = 0L;
        foreach (var op in history)
        {
            var at = op.Time >= 0 ? op.Time : op.Index;
            lastTime = Math.Max(lastTime, at);
            if (!op.IsNemesis)
                continue;
            // Jepsen writes invoke then info for each nemesis op: use the completion when there is one.
            if (op.Type == OpType.Invoke)
                continue;
            var (kind, starts) = Classify(op.F);
            if (kind is null)
                continue;
            if (kind == "*")
            {
                foreach (var (k, w) in open)
                    windows.Add(new FaultWindow(k, w.Start, at, w.Description) { Value = w.Value });
                open.Clear();
                continue;
            }
            if (starts)
            {
                if (!open.ContainsKey(kind))
                    open[kind] = (at, Values.Format(op.Value), op.Value);
            }
            else if (open.Remove(kind, out var w))
            {
                windows.Add(new FaultWindow(kind, w.Start, at, w.Description) { Value = w.Value });
            }
        }
        foreach (var (k, w) in open)
            windows.Add(new FaultWindow(k, w.Start, long.MaxValue, w.Description) { Value = w.Value });
        windows.Sort((a, b) => a.Start.CompareTo(b.Start));
        return windows;
    }

    /// <summary>(kind, true) for an op that starts a fault, (kind, false) for one that ends it, "*" for
    /// heal-all.</summary>
    public static (string? Kind, bool Starts) Classify(string f) =>
        f switch
        {
            _ when f.StartsWith("start-", StringComparison.Ordinal) => (f["start-".Length..], true),
            _ when f.StartsWith("stop-", StringComparison.Ordinal) => (f["stop-".Length..], false),
            "kill" => ("kill", true),
            "restart" => ("kill", false),
            "pause" => ("pause", true),
            "resume" => ("pause", false),
            "start" => ("fault", true),
            "stop" => ("fault", false),
            "heal" => ("*", false),
            _ => (null, false),
        };
}
