using System.Diagnostics;

namespace Checker.Core.Linearizability;

/// <summary>
/// How long and how much memory a search may use; past either it answers unknown, never a guess.
/// maxBytes bounds the search's own cache; processBytes, when given, bounds the whole process's resident
/// memory (what the operating system sees), after a compacting collection has given back what it can.
/// </summary>
internal sealed class Budget(TimeSpan? timeout, long maxBytes, CancellationToken cancel, long? processBytes = null)
{
    long nextCollect; // the resident size is re-measured after a collection at most once a second
    long deadline = Deadline(timeout);

    /// <summary>The same budget (the same deadline, from when this one was made) for a search that can also be
    /// stopped on its own.</summary>
    public Budget With(CancellationToken cancel) => new(null, MaxBytes, cancel, processBytes) { deadline = deadline };

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Why the search must stop now, or null to go on.</summary>
    public string? Exhausted(long bytesInUse)
    {
        if (cancel.IsCancellationRequested) // by the caller, or by a guard of the process's memory (see MemoryGuard)
            return processBytes is { } bound && Environment.WorkingSet > bound ? MemoryPassed(bound) : "cancelled";
        if (Stopwatch.GetTimestamp() > deadline)
            return "time limit reached";
        if (bytesInUse > MaxBytes)
            return $"memory limit reached ({MaxBytes >> 20} MB for this search)";
        if (processBytes is { } limit && Environment.WorkingSet > limit && OverAfterCollecting(limit))
            return MemoryPassed(limit);
        return null;
    }

    static string MemoryPassed(long bound) =>
        $"memory limit reached (the process's resident memory passed {bound >> 20} MB)";

    /// <summary>The timestamp past which the search stops; a limit beyond the clock's range is none.</summary>
    static long Deadline(TimeSpan? timeout)
    {
        if (timeout is not { } t)
            return long.MaxValue;
        var ticks = t.TotalSeconds * Stopwatch.Frequency;
        return ticks >= 4e18 ? long.MaxValue : Stopwatch.GetTimestamp() + (long)ticks; // 4e18: over a century
    }

    bool OverAfterCollecting(long limit)
    {
        var now = Stopwatch.GetTimestamp();
        if (now < Interlocked.Read(ref nextCollect))
            return true;
        Interlocked.Exchange(ref nextCollect, now + Stopwatch.Frequency);
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return Environment.WorkingSet > limit;
    }
}
