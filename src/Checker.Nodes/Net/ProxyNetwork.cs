using System.Net;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Nodes.Net;

/// <summary>
/// The local network between nodes: one fault proxy per directed pair of nodes and per peer port.
/// Node A reaches node B at PeerAddress(A, B), whose proxy forwards to B's own address, so cutting,
/// stalling or slowing that proxy acts on exactly the traffic between A and B. It needs no root,
/// and acts on TCP streams, not packets: see the README for how its faults differ from the kernel's.
/// </summary>
internal sealed class ProxyNetwork : INetwork
{
    readonly Dictionary<(string From, string To), List<FaultProxy>> links = new();
    readonly IReadOnlyList<Node> nodes;
    readonly Func<Node, Node, string> peerAddress;

    ProxyNetwork(IReadOnlyList<Node> nodes, Func<Node, Node, string> peerAddress)
    {
        this.nodes = nodes;
        this.peerAddress = peerAddress;
    }

    public string Kind => "proxy";

    /// <summary>What a user-space TCP proxy can do; packet loss and bandwidth need the kernel.</summary>
    public static readonly NetworkAbilities Can = NetworkPlan.Proxy.Abilities;

    public NetworkAbilities Abilities => Can;

    /// <summary>Starts proxies for every ordered pair and peer port.</summary>
    public static ProxyNetwork Start(
        IReadOnlyList<Node> nodes,
        PeerPorts peers,
        Func<Node, Node, string> peerAddress,
        HealMode heal = HealMode.Retransmit
    )
    {
        var ports = peers.Ports;
        Func<int, Node, Node, Handshake?>? handshakeFor = peers.HandshakeFor is { } h
            ? (port, a, b) => h(port, a, b, peerAddress)
            : null;
        var net = new ProxyNetwork(nodes, peerAddress);
        foreach (var from in nodes)
        foreach (var to in nodes)
        {
            if (from == to)
                continue;
            var proxies = new List<FaultProxy>();
            foreach (var port in ports)
            {
                var p = new FaultProxy(
                    new IPEndPoint(IPAddress.Parse(peerAddress(from, to)), port),
                    new IPEndPoint(IPAddress.Parse(to.Address), port),
                    handshakeFor?.Invoke(port, from, to),
                    heal
                );
                p.Start();
                proxies.Add(p);
            }
            net.links[(from.Name, to.Name)] = proxies;
        }
        return net;
    }

    /// <summary>Where `from` must connect to reach `to`.</summary>
    public string PeerAddress(Node from, Node to) => peerAddress(from, to);

    /// <summary>Sets the fault of traffic sent by `from` to `to`, on both the links that carry it.</summary>
    void SetTraffic(Dictionary<(string, string), LinkFault> traffic)
    {
        foreach (var ((from, to), proxies) in links)
        {
            var forward = traffic.GetValueOrDefault((from, to), LinkFault.None);
            var backward = traffic.GetValueOrDefault((to, from), LinkFault.None);
            foreach (var p in proxies)
                p.Set(forward, backward);
        }
    }

    public Task PartitionAsync(Grudge grudge, PartitionMode mode, CancellationToken ct)
    {
        var fault = mode == PartitionMode.Drop ? LinkFault.Drop : LinkFault.Blackhole;
        var traffic = new Dictionary<(string, string), LinkFault>();
        foreach (var a in nodes)
        foreach (var b in nodes)
            if (a != b && grudge.Blocks(a.Name, b.Name))
                traffic[(a.Name, b.Name)] = fault;
        SetTraffic(traffic);
        return Task.CompletedTask;
    }

    public Task SlowAsync(TimeSpan delay, TimeSpan jitter, CancellationToken ct)
    {
        SetAll(LinkFault.Delay((int)delay.TotalMilliseconds, (int)jitter.TotalMilliseconds));
        return Task.CompletedTask;
    }

    public Task LoseAsync(double probability, CancellationToken ct) =>
        throw new NotSupportedException("the proxy network cannot lose packets (it relays TCP streams)");

    public Task LimitBandwidthAsync(long bitsPerSecond, CancellationToken ct) =>
        throw new NotSupportedException("the proxy network cannot limit bandwidth");

    public Task StallAsync(string from, string to, long afterBytes, bool bothWays, CancellationToken ct) =>
        throw new NotSupportedException("the proxy network cannot stall a connection while the kernel keeps it open");

    /// <summary>Gives every link the same fault.</summary>
    void SetAll(LinkFault fault)
    {
        var traffic = new Dictionary<(string, string), LinkFault>();
        foreach (var a in nodes)
        foreach (var b in nodes)
            if (a != b)
                traffic[(a.Name, b.Name)] = fault;
        SetTraffic(traffic);
    }

    /// <summary>Lets all traffic flow again; stalled connections resume.</summary>
    public Task HealAsync(CancellationToken ct)
    {
        SetTraffic([]);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in links.Values.SelectMany(l => l))
            await p.DisposeAsync();
        links.Clear();
    }
}
