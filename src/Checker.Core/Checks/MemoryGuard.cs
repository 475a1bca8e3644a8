namespace Checker.Core.Checks;

/// <summary>
/// Bounds a whole process's resident memory (what the operating system sees) while checks run. It samples
/// the resident size every 50 ms; past the limit, it collects garbage (compacting, at most once a second)
/// and measures again, and if the process still holds more it trips: the checks are cancelled, and each
/// verdict not yet proven invalid becomes unknown (memory). It is a bound on resources, not a verdict.
/// </summary>
public sealed class MemoryGuard : IDisposable
{
    /// <summary>The share of the memory available to the process (the machine's, or its container's limit) it may use
    /// by default.</summary>
    public const double DefaultShare = 0.5;

    readonly CancellationTokenSource cancel;
    readonly Timer timer;
    readonly object gate = new();
    long nextCollect;
    int tripped;

    /// <param name="limitBytes">The bound on the resident size.</param>
    /// <param name="cancel">Cancelled when the guard trips.</param>
    public MemoryGuard(long limitBytes, CancellationTokenSource cancel)
    {
        LimitBytes = limitBytes;
        this.cancel = cancel;
        timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>DefaultShare of the memory the runtime says is available to this process.</summary>
    public static long DefaultLimitBytes => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultShare);

    public long LimitBytes { get; }

    /// <summary>Whether the process passed the bound (after collecting garbage) while the checks ran.</summary>
    public bool Tripped => Volatile.Read(ref tripped) != 0;

    /// <summary>Why the checks stopped, in the words of the linearizability search's own memory limit.</summary>
    public string Cause => $"memory limit reached (the process's resident memory passed {LimitBytes >> 20} MB)";

    /// <summary>Measures once more now (the checks may end between samples): true if the bound is passed.</summary>
    public bool CheckNow()
    {
        Sample(force: true);
        return Tripped;
    }

    /// <summary>A check's result: unchanged, or, once the guard tripped, unknown unless proven invalid.</summary>
    public CheckResult Judge(CheckResult result) =>
        !Tripped
        || result.Verdict is Verdict.Invalid or Verdict.NotJudged
        || result.Summary.Contains("memory limit reached", StringComparison.Ordinal)
            ? result
            : result with
            {
                Verdict = Verdict.Unknown,
                Summary = $"unknown ({Cause}): {result.Summary}",
            };

    void Sample(bool force = false)
    {
        if (Tripped || Environment.WorkingSet <= LimitBytes)
            return;
        lock (gate)
        {
            var now = Environment.TickCount64;
            if (!force && now < nextCollect)
                return;
            nextCollect = now + 1000;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (Environment.WorkingSet <= LimitBytes)
                return;
        }
        if (Interlocked.Exchange(ref tripped, 1) == 0)
        {
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException) { } // the checks are over already
        }
    }

    public void Dispose() => timer.Dispose();
}
