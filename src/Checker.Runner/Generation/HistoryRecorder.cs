using System.Diagnostics;
using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Runner.Generation;

/// <summary>
/// Appends every op to history.jsonl as it happens: a writer thread writes whatever has been recorded
/// and flushes, so each line reaches the file within microseconds (batched under load) and a killed
/// runner leaves a readable history. Times are monotonic nanoseconds since the recorder started.
/// </summary>
public sealed class HistoryRecorder : IDisposable
{
    readonly TextWriter? output;
    readonly System.Threading.Channels.Channel<Op> pending = System.Threading.Channels.Channel.CreateUnbounded<Op>(
        new() { SingleReader = true }
    );
    readonly Task writer = Task.CompletedTask;
    readonly List<Op> ops = [];
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly object gate = new();
    long ok,
        fail,
        info;

    /// <param name="output">Where lines go; null keeps the history in memory only.</param>
    public HistoryRecorder(TextWriter? output)
    {
        this.output = output;
        if (output is not null)
            writer = Task.Run(WriteAsync);
    }

    async Task WriteAsync()
    {
        while (await pending.Reader.WaitToReadAsync())
        {
            while (pending.Reader.TryRead(out var op))
            {
                JsonLinesHistory.Write(output!, op);
                output!.Write('\n');
            }
            output!.Flush();
        }
    }

    /// <summary>Opens (creating) a history file, its first line the header: the wall-clock time of time 0 and the
    /// nodes.</summary>
    public static HistoryRecorder ToFile(string path, IReadOnlyList<string>? nodes = null)
    {
        var output = new StreamWriter(
            new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read),
            new System.Text.UTF8Encoding(false)
        );
        var recorder = new HistoryRecorder(output);
        // The header record ends its own line.
        JsonLinesHistory.WriteHeader(output, new HistoryHeader { Start = recorder.StartedAt, Nodes = nodes?.ToList() });
        output.Flush();
        return recorder;
    }

    /// <summary>The wall-clock moment of time 0.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Nanoseconds since the start of the test.</summary>
    public long Now => (long)(clock.ElapsedTicks * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <summary>Called with each op as it is recorded, in index order, under the recorder's lock: it must be
    /// quick.</summary>
    public Action<Op>? Observer { get; set; }

    /// <summary>Records an op now and returns it.</summary>
    /// <param name="node">The node a client op is sent to (on its invoke), so the checks judge each node.</param>
    public Op Record(
        int process,
        OpType type,
        string f,
        object? value,
        object? key = null,
        string? error = null,
        string? node = null
    )
    {
        lock (gate)
        {
            var op = new Op(ops.Count, Now, process, type, f, value, key, error) { Node = node };
            ops.Add(op);
            if (output is not null)
                pending.Writer.TryWrite(op); // in index order: we hold the lock
            Observer?.Invoke(op);
            switch (type)
            {
                case OpType.Ok:
                    ok++;
                    break;
                case OpType.Fail:
                    fail++;
                    break;
                case OpType.Info when process != Op.NemesisProcess:
                    info++;
                    break;
            }
            return op;
        }
    }

    /// <summary>Completed client ops so far by outcome, for the progress line.</summary>
    public (long Ok, long Fail, long Info) Counts
    {
        get
        {
            lock (gate)
                return (ok, fail, info);
        }
    }

    /// <summary>A copy of everything recorded so far.</summary>
    public List<Op> Snapshot()
    {
        lock (gate)
            return [.. ops];
    }

    /// <summary>Writes out everything recorded, then closes the file.</summary>
    public void Dispose()
    {
        pending.Writer.TryComplete();
        writer.GetAwaiter().GetResult();
        output?.Dispose();
    }
}
