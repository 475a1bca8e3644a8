namespace Checker.Core.Checks;

public static class Quantiles
{
    /// <summary>The nearest-rank q-quantile (0 &lt; q ≤ 1) of sorted, non-empty values: an observed value, never an
    /// interpolation.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
