using Checker.Core.History;
using Checker.Runner.Workloads;

namespace Checker.Runner.Generation;

/// <summary>What the workers do now.</summary>
public enum Phase
{
    Main,
    Final,
}

/// <summary>How the workers run.</summary>
/// <param name="Concurrency">Worker count; worker w is bound to node w mod Nodes.</param>
/// <param name="Rate">Operations per second across all workers; 0 for no limit.</param>
/// <param name="OpTimeout">An operation without an answer after this is recorded as info.</param>
/// <param name="NodeNames">The nodes' names, recorded on each invoke (default n1..nN).</param>
public sealed record GeneratorOptions(
    int Concurrency,
    int Nodes,
    double Rate,
    TimeSpan OpTimeout,
    int Seed,
    IReadOnlyList<string>? NodeNames = null
)
{
    public string NodeName(int node) => NodeNames?[node] ?? $"n{node + 1}";
}

/// <summary>
/// Runs the workers: each takes the next op, records its invoke, invokes its client, records the
/// completion. An op that ends indeterminate (info) retires the worker's process: it continues under
/// process + concurrency with a fresh client (Jepsen's rule), since the old process may still be acting.
/// </summary>
public sealed class Generator(
    GeneratorOptions options,
    IClientFactory clients,
    IWorkload workload,
    HistoryRecorder history
)
{
    readonly long[] lastOk = Enumerable.Repeat(-1L, options.Nodes).ToArray();
    volatile bool stopping;
    List<Task> workers = [];

    public Phase Phase { get; set; } = Phase.Main;

    /// <summary>The node a process's ops go to (0-based): workers are bound to nodes round-robin.</summary>
    public static int NodeOf(int process, int concurrency, int nodes) => process % concurrency % nodes;

    /// <summary>History time of the latest ok op on each node, -1 if none.</summary>
    public long LastOk(int node) => Interlocked.Read(ref lastOk[node]);

    /// <summary>Starts the workers; they run until StopAsync.</summary>
    public void Start(CancellationToken ct)
    {
        workers = Enumerable
            .Range(0, options.Concurrency)
            .Select(w => Task.Run(() => WorkerAsync(w, ct), CancellationToken.None))
            .ToList();
    }

    /// <summary>Lets every worker finish its current op (bounded by the op timeout), then returns.</summary>
    public async Task StopAsync()
    {
        stopping = true;
        await Task.WhenAll(workers);
    }

    async Task WorkerAsync(int worker, CancellationToken ct)
    {
        var random = new Random(Seeds.Derive(options.Seed, worker));
        var node = worker % options.Nodes;
        var process = worker;
        var client = clients.Create(node);
        var open = false;
        var finalOps = 0;
        var unpaced = 0;
        // Mean gap per worker of concurrency/rate seconds, drawn uniformly so workers do not march in step.
        var meanGap = options.Rate > 0 ? options.Concurrency / options.Rate : 0;
        try
        {
            while (!stopping && !ct.IsCancellationRequested)
            {
                if (meanGap == 0 && ++unpaced % 64 == 0)
                    await Task.Yield(); // an instant client must not starve the timers
                if (meanGap > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * 2 * meanGap), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                var op = Phase == Phase.Final ? workload.Final(worker, finalOps++) : workload.Next(worker, random);
                if (op is null)
                    break; // this worker's part of the final phase is done
                history.Record(process, OpType.Invoke, op.F, op.Value, op.Key, node: options.NodeName(node));
                Completion done;
                if (!open)
                {
                    try
                    {
                        await client.OpenAsync(ct).WaitAsync(options.OpTimeout, ct);
                        open = true;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        done = ConnectFailure.Of(e);
                        history.Record(process, done.Type, op.F, done.Value, op.Key, done.Error);
                        await client.DisposeAsync();
                        client = clients.Create(node);
                        try
                        {
                            await ConnectFailure.BackoffAsync(ct);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                        continue;
                    }
                    catch (OperationCanceledException)
                    {
                        history.Record(process, OpType.Fail, op.F, null, op.Key, "cancelled before sending");
                        break;
                    }
                }
                done = await InvokeAsync(client, op, ct);
                var completion = history.Record(process, done.Type, op.F, done.Value, op.Key, done.Error);
                if (done.Type == OpType.Ok)
                    Interlocked.Exchange(ref lastOk[node], completion.Time);
                if (done.Type == OpType.Info)
                {
                    process += options.Concurrency;
                    await client.DisposeAsync();
                    client = clients.Create(node);
                    open = false;
                }
            }
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    async Task<Completion> InvokeAsync(IClient client, Invocation op, CancellationToken ct)
    {
        try
        {
            // The grace second lets the client report its own timeout, which says more than ours.
            return await client
                .InvokeAsync(op, ct)
                .WaitAsync(options.OpTimeout + TimeSpan.FromSeconds(1), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            return Completion.Info("timeout");
        }
        catch (OperationCanceledException)
        {
            return Completion.Info("cancelled");
        }
        catch (Exception e)
        {
            return Completion.Info($"client error: {e.GetType().Name}: {e.Message}");
        }
    }
}
