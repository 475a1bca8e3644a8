using Checker.Runner.Nodes;
using Checker.Runner.Spec;

namespace Checker.Runner.Net;

/// <summary>Picks the network for a spec's nodes: the fault proxy for local processes, iptables on SSH hosts, netns nodes and containers.</summary>
public static class Networks
{
    /// <summary>The faults the spec's network will be able to apply, known before anything starts.</summary>
    public static NetworkAbilities AbilitiesFor(NodesSpec nodes) => nodes.Provider switch
    {
        // What iptables and tc can do where the kernel allows; the network's probe says for sure once it runs.
        _ when UsesIptables(nodes) => NetworkAbilities.Drop | NetworkAbilities.Blackhole | NetworkAbilities.OneWay | NetworkAbilities.Loss | NetworkAbilities.Bandwidth
            | NetworkAbilities.Delay | NetworkAbilities.Stall,
        _ => ProxyNetwork.Can,
    };

    /// <summary>The name of the network the spec's nodes will get, for messages.</summary>
    public static string KindFor(NodesSpec nodes) => UsesIptables(nodes) ? "iptables" : "proxy";

    static bool UsesIptables(NodesSpec nodes) => nodes.Provider is "ssh" or "docker" || nodes.Isolation == "netns";

    /// <summary>Starts the network between the provider's nodes.</summary>
    public static Task<INetwork> StartAsync(TestSpec spec, INodeProvider nodes, PeerPorts peers, CancellationToken ct)
    {
        if (nodes is LocalNodeProvider local)
        {
            string PeerAddress(Node from, Node to) => $"127.{local.Subnet}.{from.Id}.{to.Id}";
            var heal = spec.Nemesis.HealMode == "instant" ? HealMode.Instant : HealMode.Retransmit;
            return Task.FromResult<INetwork>(ProxyNetwork.Start(nodes.Nodes, peers, PeerAddress, heal));
        }
        if (nodes is Nodes.Ssh.SshNodeProvider ssh) return IptablesAsync(nodes, ssh.Command, ct);
        if (nodes is NetnsNodeProvider netns) return IptablesAsync(nodes, netns.Command, ct);
        if (nodes is Nodes.Docker.DockerNodeProvider docker) return IptablesAsync(nodes, docker.Command, ct);
        throw new NotSupportedException($"no network for {nodes.Kind} nodes");
    }

    static async Task<INetwork> IptablesAsync(INodeProvider nodes, NodeCommand run, CancellationToken ct) =>
        await IptablesNetwork.CreateAsync(nodes.Nodes, run, ct);
}
