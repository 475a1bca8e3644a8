using Checker.Core.History;
using Checker.Runner.Generation;

namespace Checker.Runner.Running;

/// <summary>
/// Watches a live run for a write stall: a write tried, and no write acknowledged for the stall limit,
/// whatever the faults. At the start of each stall (up to a few per run) it takes evidence while the
/// cluster is still stuck (thread dumps: what each server is blocked on), which is what it takes weeks to
/// get from a production cluster that looks healthy. The checks judge the history afterwards; this only
/// gathers evidence at the moment it exists.
/// </summary>
internal sealed class StallWatch : IAsyncDisposable
{
    const int MaxStalls = 3;
    readonly HistoryRecorder history;
    readonly Func<Op, bool> isWrite;
    readonly long stall;
    readonly Func<CancellationToken, Task<IReadOnlyList<string>>> takeEvidence;
    readonly Action<string> log;
    readonly CancellationTokenSource stop = new();
    readonly Dictionary<int, bool> writing = []; // process -> its open invoke is a write
    readonly object gate = new();
    readonly Task loop;
    long? oldestUnanswered; // the first write invoked since the last acknowledged one

    /// <summary>What was taken, when: seconds since the start and the nodes asked, for results.json.</summary>
    public List<Dictionary<string, object?>> Evidence { get; } = [];

    public StallWatch(
        HistoryRecorder history,
        Func<Op, bool> isWrite,
        TimeSpan stall,
        Func<CancellationToken, Task<IReadOnlyList<string>>> takeEvidence,
        Action<string> log
    )
    {
        this.history = history;
        this.isWrite = isWrite;
        this.stall = (long)stall.TotalNanoseconds;
        this.takeEvidence = takeEvidence;
        this.log = log;
        history.Observer = Observe;
        loop = Task.Run(WatchAsync);
    }

    void Observe(Op op)
    {
        if (op.IsNemesis)
            return;
        lock (gate)
        {
            if (op.Type == OpType.Invoke)
            {
                var write = isWrite(op);
                writing[op.Process] = write;
                if (write)
                    oldestUnanswered ??= op.Time;
            }
            else if (writing.Remove(op.Process, out var write) && write && op.Type == OpType.Ok)
            {
                oldestUnanswered = null;
            }
        }
    }

    async Task WatchAsync()
    {
        long? episode = null; // the stall evidence was last taken for
        try
        {
            while (Evidence.Count < MaxStalls)
            {
                await Task.Delay(200, stop.Token);
                long? since;
                lock (gate)
                    since = oldestUnanswered;
                if (since is not { } t || history.Now - t < stall || episode == t)
                    continue;
                episode = t;
                log(
                    $"stall: writes tried since {t / 1e9:0.0}s and none acknowledged for "
                        + $"{(history.Now - t) / 1e9:0.0}s: taking thread dumps"
                );
                var asked = await takeEvidence(stop.Token);
                Evidence.Add(
                    new Dictionary<string, object?>
                    {
                        ["at"] = Math.Round(history.Now / 1e9, 3),
                        ["unansweredSince"] = Math.Round(t / 1e9, 3),
                        ["nodes"] = asked.ToList(),
                    }
                );
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e)
        {
            log($"stall watch: {e.GetType().Name}: {e.Message}");
        } // evidence is a bonus: never fail the run for it
    }

    /// <summary>Stops watching; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
            return;
        history.Observer = null;
        await stop.CancelAsync();
        await loop;
    }
}
