namespace Checker.Report;

/// <summary>How much a report draws; the defaults keep 1,000,000-op histories fast and pages small.</summary>
public sealed record ReportOptions
{
    /// <summary>Shown at the top of index.html, e.g. the test's name and run id.</summary>
    public string? Title { get; init; }

    /// <summary>Plot size in pixels.</summary>
    public int PlotWidth { get; init; } = 1200;
    public int PlotHeight { get; init; } = 600;

    /// <summary>Past this many ops the raw latency plot samples (and says so on the plot).</summary>
    public int MaxRawPoints { get; init; } = 40_000;

    /// <summary>History records per timeline page; a longer history gets a window, not a page no browser
    /// opens.</summary>
    public int MaxTimelineRecords { get; init; } = 20_000;

    /// <summary>Operations of the linearizable prefix listed on counterexample.html (the last ones: those nearest the
    /// failure).</summary>
    public int MaxPrefixRows { get; init; } = 500;

    /// <summary>The run's verdict when it is not just the checks' combined (an interrupted run is unknown at
    /// best).</summary>
    public Core.Checks.Verdict? Verdict { get; init; }

    /// <summary>The wall-clock time of the history's time 0 (its header), printed beside seconds since the
    /// start.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The run was cut short before the runner wrote results.json (killed): never shown as valid.</summary>
    public bool Incomplete { get; init; }

    /// <summary>A line index.html shows under the verdicts, e.g. "checked during report generation".</summary>
    public string? Note { get; init; }
}
