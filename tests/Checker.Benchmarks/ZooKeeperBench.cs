using System.Diagnostics;

using Checker.ZooKeeper;

namespace Checker.Benchmarks;

/// <summary>Outcome of <see cref="ZooKeeperBench.RunAsync"/>; counts are completed (acknowledged) setData ops.</summary>
public sealed record ZooKeeperBenchResult(
    int SequentialOps, TimeSpan SequentialElapsed, int PipelinedOps, TimeSpan PipelinedElapsed, int Window, int FinalVersion)
{
    /// <summary>Sequential throughput (one request in flight).</summary>
    public double SequentialOpsPerSecond => SequentialOps / SequentialElapsed.TotalSeconds;
    /// <summary>Pipelined throughput (up to Window requests in flight on the one connection).</summary>
    public double PipelinedOpsPerSecond => PipelinedOps / PipelinedElapsed.TotalSeconds;
}

/// <summary>Throughput micro-benchmark of this client against one server (`checker bench zookeeper`).</summary>
public static class ZooKeeperBench
{
    /// <summary>Pipelining depth: enough to hide the round trip, small enough to stay well under timeouts.</summary>
    public const int Window = 128;

    /// <summary>
    /// Runs <paramref name="ops"/> setData ops sequentially, then the same number pipelined, on one
    /// fresh sequential node it deletes afterwards; prints ops/s to <paramref name="output"/>.
    /// Any failed op throws. No pass/fail threshold: the numbers are for reading.
    /// </summary>
    public static async Task<ZooKeeperBenchResult> RunAsync(string host, int port, int ops, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ops);
        await using var client = await ZooKeeperClient.ConnectAsync(host, port).ConfigureAwait(false);
        var path = await client.CreateAsync("/checker-bench-", [], CreateMode.PersistentSequential).ConfigureAwait(false);
        var payload = new byte[64];
        try
        {
            var clock = Stopwatch.StartNew();
            int sequential = 0;
            for (int i = 0; i < ops; i++)
            {
                await client.SetDataAsync(path, payload).ConfigureAwait(false);
                sequential++;
            }
            var sequentialElapsed = clock.Elapsed;

            clock.Restart();
            int pipelined = 0;
            var inFlight = new Queue<Task<Stat>>();
            for (int i = 0; i < ops; i++)
            {
                if (inFlight.Count == Window) { await inFlight.Dequeue().ConfigureAwait(false); pipelined++; }
                inFlight.Enqueue(client.SetDataAsync(path, payload));
            }
            while (inFlight.Count > 0) { await inFlight.Dequeue().ConfigureAwait(false); pipelined++; }
            var pipelinedElapsed = clock.Elapsed;

            var stat = await client.ExistsAsync(path).ConfigureAwait(false);
            var result = new ZooKeeperBenchResult(sequential, sequentialElapsed, pipelined, pipelinedElapsed, Window, stat?.Version ?? -1);
            output.WriteLine($"zookeeper bench {host}:{port}, {ops} setData ops of {payload.Length} bytes");
            output.WriteLine($"  sequential: {result.SequentialOps} ops in {sequentialElapsed.TotalMilliseconds:0} ms = {result.SequentialOpsPerSecond:0} ops/s");
            output.WriteLine($"  pipelined (window {Window}): {result.PipelinedOps} ops in {pipelinedElapsed.TotalMilliseconds:0} ms = {result.PipelinedOpsPerSecond:0} ops/s");
            return result;
        }
        finally
        {
            if (client.IsConnected) await client.DeleteAsync(path).ConfigureAwait(false);
        }
    }
}
