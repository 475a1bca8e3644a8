using Checker.Core.Workloads;

namespace Checker.Runner.Workloads;

/// <summary>
/// How the clients behave: correctly, or in their workload's one deliberately faulty mode (its
/// descriptor's FaultyMode), which makes a known anomaly so a user can see the checker catch it and
/// what its report looks like.
/// </summary>
public static class ClientModes
{
    public const string Correct = "correct";

    /// <summary>The workload's faulty mode, or null if it has none.</summary>
    public static string? FaultyModeOf(string workload) => WorkloadCatalog.Find(workload)?.FaultyMode?.Mode;
}
