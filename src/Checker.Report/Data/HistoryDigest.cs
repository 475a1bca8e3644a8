using Checker.Core.History;

namespace Checker.Report.Data;

/// <summary>How a client operation ended; one never completed counts as info (it may or may not have happened).</summary>
public enum Outcome { Ok, Fail, Info }

/// <summary>An invoke with its completion, in the history's own time unit. Completed is -1 when it never completed.</summary>
public readonly record struct ClientOp(long InvokeIndex, long CompletionIndex, int Process, string F, Outcome Outcome, long Invoked, long Completed)
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

    public HistoryDigest(IReadOnlyList<Op> history)
    {
        History = history;
        Timed = history.Count > 0 && history.All(o => o.Time >= 0);
        Origin = Timed ? history.Min(o => o.Time) : 0;
        var last = 0L;
        foreach (var op in history) last = Math.Max(last, TimeOf(op));
        foreach (var (invoke, done) in Pairing.Attempts(history))
        {
            if (done is null)
            {
                Ops.Add(new ClientOp(invoke.Index, -1, invoke.Process, invoke.F, Outcome.Info, TimeOf(invoke), -1));
                continue;
            }
            var outcome = done.Type switch { OpType.Ok => Outcome.Ok, OpType.Fail => Outcome.Fail, _ => Outcome.Info };
            Ops.Add(new ClientOp(invoke.Index, done.Index, invoke.Process, invoke.F, outcome, TimeOf(invoke), TimeOf(done)));
        }
        Faults = FaultWindows.From(history);
        Fs = Ops.Select(o => o.F).Distinct().Order(StringComparer.Ordinal).ToList();
        AxisEnd = Axis(last);
    }

    /// <summary>The record's time in the history's unit: nanoseconds, or its index when untimed.</summary>
    public long TimeOf(Op op) => Timed ? op.Time : op.Index;

    /// <summary>A history time on the plots' x axis.</summary>
    public double Axis(long time) => Timed ? (time - Origin) / 1e9 : time;

    public string AxisLabel => Timed ? "time since the first op (s)" : "history position (the source has no times)";

    public string LatencyUnit => Timed ? "ms" : "records";

    /// <summary>Latency in ms, or in history records when untimed; null for an op that never completed.</summary>
    public double? Latency(ClientOp op) => op.Pending ? null : Timed ? (op.Completed - op.Invoked) / 1e6 : op.Completed - op.Invoked;

    /// <summary>A fault window on the x axis, an unhealed one ending with the history.</summary>
    public (double Start, double End) AxisSpan(FaultWindow w) => (Axis(w.Start), w.Healed ? Axis(w.End) : AxisEnd);
}
