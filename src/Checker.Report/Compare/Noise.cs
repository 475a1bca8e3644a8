using Checker.Report.Data;

namespace Checker.Report.Compare;

/// <summary>
/// When a difference between two single runs is more than noise. Each run is cut into the same time
/// windows; a figure (ok/s, a latency quantile, the fail rate) is computed per window, and the spread
/// of those window values is the run's own noise. A change is marked when the two runs' window means
/// differ by more than twice the standard error of that difference (Welch's, about 95% for normal
/// window values) and by more than 10% (smaller changes do not decide a release). Fewer than three
/// windows on a side is too little to judge: never marked.
/// </summary>
public static class Noise
{
    public const string Rule =
        "A change is marked when the two runs' per-window means (1-second windows, or 1/100 of the longer run) "
        + "differ by more than "
        + "twice the standard error of the difference (Welch: 2·√(s²A/nA + s²B/nB)) and by more than 10%. "
        + "Recovery times and the longest outage are single events per run: they are marked when one is more than "
        + "twice the other and they differ by more than 1 s. "
        + "Verdicts and anomalies are marked whenever they differ.";

    /// <summary>Window width in seconds shared by both runs.</summary>
    public static double WindowWidth(HistoryDigest a, HistoryDigest b) =>
        Math.Max(1.0, Math.Max(a.AxisEnd, b.AxisEnd) / 100);

    /// <summary>Per-window values of a figure over ok/fail/info ops; windows with no value (no ops) are left
    /// out.</summary>
    public static List<double> PerWindow(HistoryDigest d, double width, Func<List<ClientOp>, double?> figure)
    {
        var count = Math.Max(1, (int)Math.Ceiling(d.AxisEnd / width));
        var windows = new List<ClientOp>[count];
        for (var i = 0; i < count; i++)
            windows[i] = [];
        foreach (var o in d.Ops)
            if (!o.Pending)
                windows[Math.Clamp((int)(d.Axis(o.Completed) / width), 0, count - 1)].Add(o);
        return windows.Select(figure).OfType<double>().ToList();
    }

    /// <summary>True when the window means differ beyond noise by the rule above.</summary>
    public static bool Beyond(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count < 3 || b.Count < 3)
            return false;
        var (ma, va) = MeanVariance(a);
        var (mb, vb) = MeanVariance(b);
        var stderr = Math.Sqrt(va / a.Count + vb / b.Count);
        var diff = Math.Abs(ma - mb);
        return diff > 2 * stderr && diff > 0.10 * Math.Max(Math.Abs(ma), Math.Abs(mb));
    }

    /// <summary>The rule for single events (heal to ok, the longest outage).</summary>
    public static bool BeyondOnce(double? a, double? b)
    {
        if (a is null || b is null)
            return a.HasValue != b.HasValue;
        var (lo, hi) = (Math.Min(a.Value, b.Value), Math.Max(a.Value, b.Value));
        return hi - lo > 1 && hi > 2 * lo;
    }

    static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> xs)
    {
        var mean = xs.Average();
        var variance = xs.Count > 1 ? xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1) : 0;
        return (mean, variance);
    }
}
