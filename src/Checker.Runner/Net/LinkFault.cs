namespace Checker.Runner.Net;

/// <summary>What happens to traffic in one direction of a link.</summary>
public enum LinkFaultKind
{
    /// <summary>Traffic flows.</summary>
    None,

    /// <summary>As iptables REJECT --reject-with tcp-reset: new connections are refused, and a connection is reset when
    /// a packet crosses the cut.</summary>
    Drop,

    /// <summary>As iptables DROP: nothing crosses, new connections time out, and senders retransmit until the
    /// heal.</summary>
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

    /// <summary>This chunk's delay: DelayMs ± JitterMs, never negative.</summary>
    public TimeSpan NextDelay() =>
        Kind != LinkFaultKind.Delay
            ? TimeSpan.Zero
            : TimeSpan.FromMilliseconds(
                Math.Max(0, DelayMs + (JitterMs == 0 ? 0 : Random.Shared.Next(-JitterMs, JitterMs + 1)))
            );
}

/// <summary>The current fault of one direction; pumps wait on it while it is a blackhole.</summary>
public sealed class TrafficGate
{
    volatile LinkFault fault = LinkFault.None;
    TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int epoch;

    public LinkFault Fault => fault;

    /// <summary>Counts the faults set; a pump that counts bytes per cut starts again when it changes.</summary>
    public int Epoch => Volatile.Read(ref epoch);

    public bool IsBlackhole => fault.Kind == LinkFaultKind.Blackhole;

    public void Set(LinkFault value)
    {
        fault = value;
        Interlocked.Increment(ref epoch);
        Interlocked
            .Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
            .TrySetResult();
    }

    /// <summary>Completes at the next change of fault.</summary>
    public Task ChangedAsync => Volatile.Read(ref changed).Task;

    /// <summary>Returns once the direction is no blackhole.</summary>
    public async ValueTask WaitOpenAsync(CancellationToken ct)
    {
        while (true)
        {
            var signal = ChangedAsync;
            if (!IsBlackhole)
                return;
            await signal.WaitAsync(ct);
        }
    }
}
