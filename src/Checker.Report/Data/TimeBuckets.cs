namespace Checker.Report.Data;

/// <summary>The x axis cut into equal windows, for plots that aggregate (quantiles, rates) or sample per
/// column.</summary>
public sealed class TimeBuckets
{
    public int Count { get; }
    public double Width { get; }

    public TimeBuckets(double axisEnd, int count)
    {
        Count = Math.Max(1, count);
        Width = axisEnd > 0 ? axisEnd / Count : 1;
    }

    /// <summary>About 20 ops per window for small histories, at most 150 windows (a readable line) for big
    /// ones.</summary>
    public static TimeBuckets For(HistoryDigest d) => new(d.AxisEnd, Math.Clamp(d.Ops.Count / 20, 1, 150));

    public int Of(double x) => Math.Clamp((int)(x / Width), 0, Count - 1);

    public double Middle(int bucket) => (bucket + 0.5) * Width;
}
