using System.Diagnostics;

namespace Checker.Core.Linearizability;

/// <summary>How long and how much memory a search may use; past either it answers unknown, never a guess.</summary>
internal sealed class Budget(TimeSpan? timeout, long maxBytes, CancellationToken cancel)
{
    readonly long deadline = timeout is { } t ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Why the search must stop now, or null to go on.</summary>
    public string? Exhausted(long bytesInUse)
    {
        if (cancel.IsCancellationRequested) return "cancelled";
        if (Stopwatch.GetTimestamp() > deadline) return "time limit reached";
        if (bytesInUse > MaxBytes) return $"memory limit reached ({MaxBytes >> 20} MB for this search)";
        return null;
    }
}
