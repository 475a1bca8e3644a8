namespace Checker.Runner.Workloads;

/// <summary>What a worker asks of the database: f, key and value as they go into the history.</summary>
public sealed record Invocation(string F, object? Key, object? Value);

/// <summary>How an invocation ended: Ok with the value seen, Fail (it certainly did not happen), or Info
/// (unknown).</summary>
public sealed record Completion(Core.History.OpType Type, object? Value, string? Error = null)
{
    public static Completion Ok(object? value) => new(Core.History.OpType.Ok, value);

    public static Completion Fail(string error) => new(Core.History.OpType.Fail, null, error);

    public static Completion Info(string error) => new(Core.History.OpType.Info, null, error);
}

/// <summary>Jepsen's client protocol: one worker's connection to one node.</summary>
public interface IClient : IAsyncDisposable
{
    /// <summary>Connects to the node; throws when it cannot (the op that needed it then fails: nothing was
    /// sent).</summary>
    Task OpenAsync(CancellationToken ct);

    /// <summary>Performs one operation; never throws for a database error, which becomes Fail or Info.</summary>
    Task<Completion> InvokeAsync(Invocation op, CancellationToken ct);
}

/// <summary>Makes clients, one per worker process, and prepares the database's keys once.</summary>
public interface IClientFactory
{
    /// <summary>Creates whatever the workload needs before the workers start (e.g. the keys' znodes).</summary>
    Task PrepareAsync(CancellationToken ct);

    /// <summary>A new, unopened client for a worker bound to node number `node` (0-based).</summary>
    IClient Create(int node);
}
