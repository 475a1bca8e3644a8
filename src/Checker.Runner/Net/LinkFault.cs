namespace Checker.Runner.Net;

/// <summary>What happens to traffic in one direction of a link.</summary>
public enum LinkFaultKind
{
    /// <summary>Traffic flows.</summary>
    None,
    /// <summary>New connections are refused and existing ones cut (a reset, as from a firewall's REJECT).</summary>
    Drop,
    /// <summary>Connections are accepted but no byte passes: the half-open connections of a real partition.</summary>
    Blackhole,
    /// <summary>Every chunk is held back by a delay with jitter.</summary>
    Delay,
}

/// <summary>A fault on one direction of traffic between two nodes.</summary>
public sealed record LinkFault(LinkFaultKind Kind, int DelayMs = 0, int JitterMs = 0)
{
    public static readonly LinkFault None = new(LinkFaultKind.None);
    public static readonly LinkFault Drop = new(LinkFaultKind.Drop);
    public static readonly LinkFault Blackhole = new(LinkFaultKind.Blackhole);
    public static LinkFault Delay(int ms, int jitterMs) => new(LinkFaultKind.Delay, ms, jitterMs);

    /// <summary>True when no byte may pass.</summary>
    public bool Stalls => Kind is LinkFaultKind.Drop or LinkFaultKind.Blackhole;

    /// <summary>This chunk's delay: DelayMs ± JitterMs, never negative.</summary>
    public TimeSpan NextDelay() => Kind != LinkFaultKind.Delay ? TimeSpan.Zero
        : TimeSpan.FromMilliseconds(Math.Max(0, DelayMs + (JitterMs == 0 ? 0 : Random.Shared.Next(-JitterMs, JitterMs + 1))));
}

/// <summary>The current fault of one direction; pumps wait on it while it stalls.</summary>
public sealed class TrafficGate
{
    volatile LinkFault fault = LinkFault.None;
    TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LinkFault Fault => fault;

    public void Set(LinkFault value)
    {
        fault = value;
        Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Returns once traffic may pass.</summary>
    public async ValueTask WaitOpenAsync(CancellationToken ct)
    {
        while (true)
        {
            var signal = Volatile.Read(ref changed).Task;
            if (!fault.Stalls) return;
            await signal.WaitAsync(ct);
        }
    }
}
