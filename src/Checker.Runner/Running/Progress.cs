using System.Diagnostics;
using Checker.Runner.Generation;

namespace Checker.Runner.Running;

/// <summary>The live line on stderr: elapsed time, ops by outcome, the phase and the active fault.</summary>
internal sealed class Progress : IDisposable
{
    readonly HistoryRecorder history;
    readonly Func<string> status;
    readonly TextWriter output;
    readonly bool terminal;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly Timer timer;
    int ticks;

    public Progress(HistoryRecorder history, Func<string> status, TextWriter output, bool terminal)
    {
        this.history = history;
        this.status = status;
        this.output = output;
        this.terminal = terminal;
        timer = new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public string Line()
    {
        var (ok, fail, info) = history.Counts;
        return $"[{clock.Elapsed.TotalSeconds, 4:0}s] ops {ok + fail + info} ok {ok} fail {fail} info {info} | "
            + $"{status()}";
    }

    void Tick()
    {
        // On a terminal the line redraws in place; in a log, one line every 10 s is enough.
        if (terminal)
            output.Write($"\r{Line(), -110}");
        else if (Interlocked.Increment(ref ticks) % 10 == 0)
            output.WriteLine(Line());
    }

    public void Dispose()
    {
        timer.Dispose();
        if (terminal)
            output.WriteLine();
    }
}
