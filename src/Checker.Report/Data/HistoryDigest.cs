using Checker.Core.History;

namespace Checker.Report.Data;

/// <summary>How a client operation ended; one never completed counts as info (it may or may not have
/// happened).</summary>
public enum Outcome
{
    Ok,
    Fail,
    Info,
}

/// <summary>An invoke with its completion, in the history's own time unit. Completed is -1 when it never
/// completed.</summary>
public readonly record struct ClientOp(
    long InvokeIndex,
    long CompletionIndex,
    int Process,
    string F,
    Outcome Outcome,
    long Invoked,
    long Completed
)
{
    public bool Pending => CompletionIndex < 0;
}

/// <summary>
/// What the plots and pages need from a history, computed once: client ops paired tolerantly (fails kept,
/// unlike Pairing.Pair, because a plot of latency or throughput must show them), the nemesis windows, and the
/// time axis: seconds since the first record, or the record index when the source had no times.
/// </summary>
public sealed class HistoryDigest
{
    public IReadOnlyList<Op> History { get; }
    public bool Timed { get; }
    public long Origin { get; }
    public List<ClientOp> Ops { get; } = [];
    public List<FaultWindow> Faults { get; }
    public IReadOnlyList<string> Fs { get; }

    /// <summary>The end of the axis: the last record's position on it.</summary>
    public double AxisEnd { get; }

    /// <summary>The wall-clock moment of time 0, when the history says (its header); null when unknown.</summary>
    public DateTimeOffset? StartedAt { get; }

    /// <param name="startedAt">The wall-clock time of time 0 (the history's header), to print beside seconds.</param>
    public HistoryDigest(IReadOnlyList<Op> history, DateTimeOffset? startedAt = null)
    {
        History = history;
        StartedAt = startedAt;
        Timed = history.Count > 0 && history.All(o => o.Time >= 0);
        // One time base everywhere: history times count from the test's start, and so do the pages.
        Origin = 0;
        var last = 0L;
        foreach (var op in history)
            last = Math.Max(last, TimeOf(op));
        foreach (var (invoke, done) in Pairing.Attempts(history))
        {
            if (done is null)
            {
                Ops.Add(new ClientOp(invoke.Index, -1, invoke.Process, invoke.F, Outcome.Info, TimeOf(invoke), -1));
                continue;
            }
            var outcome = done.Type switch
            {
                OpType.Ok => Outcome.Ok,
                OpType.Fail => Outcome.Fail,
                _ => Outcome.Info,
            };
            Ops.Add(
                new ClientOp(invoke.Index, done.Index, invoke.Process, invoke.F, outcome, TimeOf(invoke), TimeOf(done))
            );
        }
        Faults = FaultWindows.From(history);
        Fs = Ops.Select(o => o.F).Distinct().Order(StringComparer.Ordinal).ToList();
        AxisEnd = Axis(last);
    }

    /// <summary>The record's time in the history's unit: nanoseconds, or its index when untimed.</summary>
    public long TimeOf(Op op) => Timed ? op.Time : op.Index;

    /// <summary>A history time on the plots' x axis.</summary>
    public double Axis(long time) => Timed ? (time - Origin) / 1e9 : time;

    public string AxisLabel =>
        !Timed ? "history position (the source has no times)"
        : StartedAt is { } at ? $"seconds since the test began at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
        : "seconds since the test began";

    /// <summary>"12.345678 s (09:00:12.345 UTC)" for a timed history: seconds since the start, and the wall clock when
    /// known.</summary>
    public string When(long time) =>
        !Timed
            ? $"position {time}"
            : Axis(time).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)
                + " s"
                + (StartedAt is { } at ? $" ({at.UtcDateTime.AddTicks(time / 100):HH:mm:ss.fff} UTC)" : "");

    public string LatencyUnit => Timed ? "ms" : "records";

    /// <summary>Latency in ms, or in history records when untimed; null for an op that never completed.</summary>
    public double? Latency(ClientOp op) =>
        op.Pending ? null
        : Timed ? (op.Completed - op.Invoked) / 1e6
        : op.Completed - op.Invoked;

    /// <summary>A fault window on the x axis, an unhealed one ending with the history.</summary>
    public (double Start, double End) AxisSpan(FaultWindow w) => (Axis(w.Start), w.Healed ? Axis(w.End) : AxisEnd);
}
