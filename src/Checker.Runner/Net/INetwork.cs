using Checker.Runner.Nodes;

namespace Checker.Runner.Net;

/// <summary>The faults a network can put on the links between nodes; the nemesis offers only these.</summary>
[Flags]
public enum NetworkAbilities
{
    None = 0,

    /// <summary>Cuts by grudge, refusing new connections and resetting old ones (iptables REJECT --reject-with
    /// tcp-reset).</summary>
    Drop = 1,

    /// <summary>Cuts by grudge, silently (iptables DROP): connects time out, established connections
    /// retransmit.</summary>
    Blackhole = 2,

    /// <summary>Cuts one direction only.</summary>
    OneWay = 4,

    /// <summary>Delays packets with jitter.</summary>
    Delay = 8,

    /// <summary>Drops a share of packets at random.</summary>
    Loss = 16,

    /// <summary>Limits each node's outgoing rate.</summary>
    Bandwidth = 32,

    /// <summary>
    /// Silences established connections of one link after a number of bytes, while they stay open: no
    /// reset, no close arrives (iptables connbytes with conntrack accounting).
    /// </summary>
    Stall = 64,
}

/// <summary>How a partition looks to the nodes it cuts.</summary>
public enum PartitionMode
{
    Drop,
    Blackhole,
}

/// <summary>
/// Jepsen's Net protocol: the links between the test's nodes and the faults on them. Faults act on
/// traffic between nodes only; the runner's own clients always reach every node. Each call replaces
/// whatever fault is in force, and HealAsync removes them all.
/// </summary>
public interface INetwork : IAsyncDisposable
{
    /// <summary>A short name for logs and results ("proxy", "iptables").</summary>
    string Kind { get; }

    /// <summary>The faults this network can apply.</summary>
    NetworkAbilities Abilities { get; }

    /// <summary>The address node `from` connects to in order to reach node `to`.</summary>
    string PeerAddress(Node from, Node to);

    /// <summary>Cuts the traffic the grudge names, in the given mode; all other traffic flows.</summary>
    Task PartitionAsync(Grudge grudge, PartitionMode mode, CancellationToken ct);

    /// <summary>Delays every packet between nodes by delay ± jitter.</summary>
    Task SlowAsync(TimeSpan delay, TimeSpan jitter, CancellationToken ct);

    /// <summary>Drops each packet between nodes with the given probability (0..1).</summary>
    Task LoseAsync(double probability, CancellationToken ct);

    /// <summary>Limits what each node sends to other nodes to the given rate.</summary>
    Task LimitBandwidthAsync(long bitsPerSecond, CancellationToken ct);

    /// <summary>
    /// Silently drops what `from` sends to `to` on each TCP connection that has carried `afterBytes` bytes
    /// (both directions counted), and with `bothWays` what `to` sends back too; the connections stay open,
    /// and neither a reset nor a close crosses the silenced direction.
    /// </summary>
    Task StallAsync(string from, string to, long afterBytes, bool bothWays, CancellationToken ct);

    /// <summary>Removes every fault; traffic flows again.</summary>
    Task HealAsync(CancellationToken ct);
}
