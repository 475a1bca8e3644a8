namespace Checker.Runner.Workloads;

/// <summary>
/// How the clients behave: correctly, or in their workload's one deliberately faulty mode, which makes
/// a known anomaly so a user can see the checker catch it and what its report looks like.
/// </summary>
public static class ClientModes
{
    public const string Correct = "correct";

    /// <summary>Each workload's faulty mode and what it does wrong.</summary>
    public static readonly IReadOnlyDictionary<string, (string Mode, string Does)> Faulty = new Dictionary<string, (string, string)>
    {
        ["register"] = ("stale-reads", "answers some reads from a stale local copy"),
        ["set"] = ("lose-adds", "acknowledges some adds without writing them"),
        ["queue"] = ("deliver-twice", "leaves some dequeued elements in the queue, so they are delivered again"),
        ["mutex"] = ("grant-twice", "grants some acquires without taking the lock"),
        ["bank"] = ("half-transfers", "applies only the debit of some transfers"),
    };

    /// <summary>The workload's faulty mode, or null if it has none.</summary>
    public static string? FaultyModeOf(string workload) => Faulty.TryGetValue(workload, out var f) ? f.Mode : null;
}
