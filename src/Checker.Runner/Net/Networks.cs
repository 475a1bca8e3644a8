using Checker.Runner.Nodes;
using Checker.Runner.Spec;

namespace Checker.Runner.Net;

/// <summary>How a proxy ends a blackhole.</summary>
public enum HealMode
{
    /// <summary>Held data moves on at the sender's next TCP retransmission (backoff from 200 ms), as after a real
    /// DROP.</summary>
    Retransmit,

    /// <summary>Held data moves on at once.</summary>
    Instant,
}

/// <summary>What the network between a run's nodes is asked for beyond the nodes: how a proxy ends a
/// blackhole.</summary>
public sealed record NetworkOptions(HealMode Heal = HealMode.Retransmit)
{
    /// <summary>The options a spec asks for.</summary>
    public static NetworkOptions Of(TestSpec spec) =>
        new(spec.Nemesis.HealMode == "instant" ? HealMode.Instant : HealMode.Retransmit);
}

/// <summary>The network a node provider's nodes will get, known before anything starts: its name and what it can
/// do.</summary>
public sealed record NetworkPlan(string Kind, NetworkAbilities Abilities)
{
    /// <summary>Checker's TCP proxy between local processes (no root).</summary>
    public static readonly NetworkPlan Proxy = new(
        "proxy",
        NetworkAbilities.Drop | NetworkAbilities.Blackhole | NetworkAbilities.OneWay | NetworkAbilities.Delay
    );

    /// <summary>
    /// iptables and tc in each node's network namespace: what they can do where the kernel allows; the network's
    /// probe says for sure once it runs.
    /// </summary>
    public static readonly NetworkPlan Iptables = new(
        "iptables",
        NetworkAbilities.Drop
            | NetworkAbilities.Blackhole
            | NetworkAbilities.OneWay
            | NetworkAbilities.Loss
            | NetworkAbilities.Bandwidth
            | NetworkAbilities.Delay
            | NetworkAbilities.Stall
    );
}

/// <summary>The networks node providers start: the fault proxy, or iptables through the nodes' shell.</summary>
public static class Networks
{
    /// <summary>The network the spec's nodes will get, as their provider says.</summary>
    public static NetworkPlan PlanFor(NodesSpec nodes) => NodeProviders.Of(nodes).Network(nodes);

    /// <summary>The faults the spec's network will be able to apply, known before anything starts.</summary>
    public static NetworkAbilities AbilitiesFor(NodesSpec nodes) => PlanFor(nodes).Abilities;

    /// <summary>The name of the network the spec's nodes will get, for messages.</summary>
    public static string KindFor(NodesSpec nodes) => PlanFor(nodes).Kind;

    /// <summary>Starts the network between the provider's nodes, as the spec asks.</summary>
    public static Task<INetwork> StartAsync(
        TestSpec spec,
        INodeProvider nodes,
        PeerPorts peers,
        CancellationToken ct
    ) => nodes.StartNetworkAsync(NetworkOptions.Of(spec), peers, ct);
}
