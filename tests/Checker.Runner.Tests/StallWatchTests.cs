using Checker.Core.History;
using Checker.Runner.Generation;
using Checker.Runner.Running;

namespace Checker.Runner.Tests;

public sealed class StallWatchTests
{
    static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(300);

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !condition(); await Task.Delay(20))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the condition never came true");
    }

    [Fact]
    public async Task Evidence_is_taken_once_per_write_stall_after_the_limit_and_again_for_a_new_stall()
    {
        using var history = new HistoryRecorder(null);
        var taken = new List<long>();
        await using var watch = new StallWatch(history, op => op.F == "write", Stall, _ =>
        {
            lock (taken) taken.Add(history.Now);
            return Task.FromResult<IReadOnlyList<string>>(["n1", "n2"]);
        }, _ => { });

        history.Record(0, OpType.Invoke, "read", null);
        history.Record(0, OpType.Ok, "read", 1L); // reads neither start nor end a stall
        var first = history.Record(1, OpType.Invoke, "write", 1L).Time;
        history.Record(1, OpType.Info, "write", 1L, error: "timeout");
        history.Record(1, OpType.Invoke, "write", 2L); // still no write acknowledged: the same stall
        await WaitUntilAsync(() => { lock (taken) return taken.Count == 1; });
        Assert.True(taken[0] - first >= Stall.TotalNanoseconds, $"taken {(taken[0] - first) / 1e6} ms after the write");
        await Task.Delay(Stall * 3);
        lock (taken) Assert.Single(taken);

        history.Record(1, OpType.Ok, "write", 2L); // acknowledged: the stall is over
        var second = history.Record(2, OpType.Invoke, "write", 3L).Time;
        await WaitUntilAsync(() => { lock (taken) return taken.Count == 2; });
        Assert.True(taken[1] - second >= Stall.TotalNanoseconds);
        await watch.DisposeAsync();
        Assert.Equal(2, watch.Evidence.Count);
        Assert.Equal(["n1", "n2"], (IEnumerable<object?>)watch.Evidence[0]["nodes"]!);
    }

    [Fact]
    public async Task Writes_acknowledged_in_time_take_no_evidence()
    {
        using var history = new HistoryRecorder(null);
        var taken = 0;
        await using (new StallWatch(history, op => op.F == "write", Stall, _ =>
        {
            Interlocked.Increment(ref taken);
            return Task.FromResult<IReadOnlyList<string>>([]);
        }, _ => { }))
        {
            for (var i = 0; i < 10; i++)
            {
                history.Record(1, OpType.Invoke, "write", (long)i);
                history.Record(1, OpType.Ok, "write", (long)i);
                await Task.Delay(Stall / 10);
            }
            await Task.Delay(Stall * 3); // nothing tried: no stall however long it is quiet
        }
        Assert.Equal(0, taken);
    }
}
