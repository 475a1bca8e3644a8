using System.Net;
using Checker.Runner.Nodes;

namespace Checker.Runner.Net;

/// <summary>
/// The local network between nodes: one fault proxy per directed pair of nodes and per peer port.
/// Node A reaches node B at PeerAddress(A, B), whose proxy forwards to B's own address, so cutting,
/// stalling or slowing that proxy acts on exactly the traffic between A and B.
/// </summary>
public sealed class ProxyNetwork : IAsyncDisposable
{
    readonly Dictionary<(string From, string To), List<FaultProxy>> links = new();
    readonly IReadOnlyList<Node> nodes;
    readonly Func<Node, Node, string> peerAddress;

    ProxyNetwork(IReadOnlyList<Node> nodes, Func<Node, Node, string> peerAddress)
    {
        this.nodes = nodes;
        this.peerAddress = peerAddress;
    }

    /// <summary>Starts proxies for every ordered pair and port; handshakeFor may supply a rewriter per port and link.</summary>
    public static ProxyNetwork Start(IReadOnlyList<Node> nodes, IReadOnlyList<int> ports, Func<Node, Node, string> peerAddress,
        Func<int, Node, Node, Handshake?>? handshakeFor = null)
    {
        var net = new ProxyNetwork(nodes, peerAddress);
        foreach (var from in nodes)
            foreach (var to in nodes)
            {
                if (from == to) continue;
                var proxies = new List<FaultProxy>();
                foreach (var port in ports)
                {
                    var p = new FaultProxy(new IPEndPoint(IPAddress.Parse(peerAddress(from, to)), port),
                        new IPEndPoint(IPAddress.Parse(to.Address), port), handshakeFor?.Invoke(port, from, to));
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
            foreach (var p in proxies) p.Set(forward, backward);
        }
    }

    /// <summary>Applies a partition: traffic each node refuses suffers `fault` (drop or blackhole); everything else flows.</summary>
    public void Partition(Grudge grudge, LinkFault fault)
    {
        var traffic = new Dictionary<(string, string), LinkFault>();
        foreach (var a in nodes)
            foreach (var b in nodes)
                if (a != b && grudge.Blocks(a.Name, b.Name)) traffic[(a.Name, b.Name)] = fault;
        SetTraffic(traffic);
    }

    /// <summary>Gives every link the same fault (e.g. a delay).</summary>
    public void SetAll(LinkFault fault)
    {
        var traffic = new Dictionary<(string, string), LinkFault>();
        foreach (var a in nodes)
            foreach (var b in nodes)
                if (a != b) traffic[(a.Name, b.Name)] = fault;
        SetTraffic(traffic);
    }

    /// <summary>Lets all traffic flow again; stalled connections resume.</summary>
    public void Heal() => SetTraffic([]);

    public async ValueTask DisposeAsync()
    {
        foreach (var p in links.Values.SelectMany(l => l)) await p.DisposeAsync();
        links.Clear();
    }
}
