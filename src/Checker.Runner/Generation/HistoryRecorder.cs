using System.Diagnostics;
using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Runner.Generation;

/// <summary>
/// Appends every op to history.jsonl as it happens, flushed line by line so a killed runner leaves a
/// readable history; times are monotonic nanoseconds since the recorder started.
/// </summary>
public sealed class HistoryRecorder : IDisposable
{
    readonly TextWriter? output;
    readonly List<Op> ops = [];
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly object gate = new();
    long ok, fail, info;

    /// <param name="output">Where lines go; null keeps the history in memory only.</param>
    public HistoryRecorder(TextWriter? output) => this.output = output;

    /// <summary>Opens (creating) a history file for appending.</summary>
    public static HistoryRecorder ToFile(string path) =>
        new(new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), new System.Text.UTF8Encoding(false)));

    /// <summary>Nanoseconds since the start of the test.</summary>
    public long Now => (long)(clock.ElapsedTicks * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <summary>Records an op now and returns it.</summary>
    public Op Record(int process, OpType type, string f, object? value, object? key = null, string? error = null)
    {
        lock (gate)
        {
            var op = new Op(ops.Count, Now, process, type, f, value, key, error);
            ops.Add(op);
            if (output is not null)
            {
                JsonLinesHistory.Write(output, op);
                output.Write('\n');
                output.Flush();
            }
            switch (type)
            {
                case OpType.Ok: ok++; break;
                case OpType.Fail: fail++; break;
                case OpType.Info when process != Op.NemesisProcess: info++; break;
            }
            return op;
        }
    }

    /// <summary>Completed client ops so far by outcome, for the progress line.</summary>
    public (long Ok, long Fail, long Info) Counts
    {
        get { lock (gate) return (ok, fail, info); }
    }

    /// <summary>A copy of everything recorded so far.</summary>
    public List<Op> Snapshot()
    {
        lock (gate) return [.. ops];
    }

    public void Dispose()
    {
        lock (gate) output?.Dispose();
    }
}
