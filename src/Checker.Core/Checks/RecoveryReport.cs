namespace Checker.Core.Checks;

/// <summary>How the cluster came back after one heal. Times are seconds since the test began (the history's time
/// 0).</summary>
/// <param name="Outcome">
/// recovered; not-recovered (some node served nothing within the budget of calm time, counted across
/// later fault windows); not-judged (the history ended before the budget of calm time had passed).
/// </param>
/// <param name="SecondsByNode">Time from the heal to each node's first ok operation; null when it had none.</param>
public sealed record HealRecovery(
    double At,
    string Healed,
    bool Final,
    string Outcome,
    IReadOnlyDictionary<string, double?> SecondsByNode
);

/// <summary>A span with no ok operation on a node while no fault was active.</summary>
public sealed record StallWindow(string Node, double From, double To, int Attempts);

/// <summary>The longest time in which no client operation anywhere succeeded, though some were tried; and the faults
/// active then.</summary>
public sealed record Outage(double From, double To, IReadOnlyList<string> Faults)
{
    public double Seconds => Math.Round(To - From, 3);
}

/// <summary>The recovery checker's findings.</summary>
/// <param name="LongestOutage">Reported for people to judge, not judged: some faults stop a cluster by design.</param>
/// <param name="ByNode">How nodes were told apart: "check options", "history" (its "node" fields) or "cluster" (one
/// node).</param>
public sealed record RecoveryReport(
    double BudgetSeconds,
    double StallSeconds,
    IReadOnlyList<HealRecovery> Heals,
    IReadOnlyList<StallWindow> Stalls,
    Outage? LongestOutage = null,
    string ByNode = "cluster"
);
