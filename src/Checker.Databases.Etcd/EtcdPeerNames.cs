using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Databases.Etcd;

/// <summary>
/// How etcd members name each other. etcd derives a member's id from its peer URLs, so every member
/// must list the same URLs for every peer; yet the local network reaches a peer at a different
/// address from each member (one proxy per directed link). The URLs are therefore names,
/// n2.etcd-peer, the same everywhere, and each member's own hosts file maps them to the addresses it
/// must use: PeerAddress(self, peer). Where the network gives every member the peer's own address,
/// the URLs are plain addresses and no hosts file is needed.
/// </summary>
internal sealed class EtcdPeerNames(IReadOnlyList<Node> nodes, Func<Node, Node, string>? peerAddress)
{
    const string Domain = "etcd-peer";

    /// <summary>True when some member reaches some peer at an address other than the peer's own.</summary>
    public bool NeedsHostsFiles { get; } =
        peerAddress is not null
        && nodes.Any(from => nodes.Any(to => from != to && peerAddress!(from, to) != to.Address));

    /// <summary>The peer URL every member lists for `node`.</summary>
    public string PeerUrl(Node node, int port) =>
        NeedsHostsFiles ? $"http://{node.Name}.{Domain}:{port}" : $"http://{node.Address}:{port}";

    /// <summary>`self`'s hosts file: its own name to its own address, each peer's name to the link from self to
    /// it.</summary>
    public string HostsFile(Node self) =>
        "127.0.0.1 localhost\n"
        + string.Concat(nodes.Select(n => $"{(n == self ? n.Address : peerAddress!(self, n))} {n.Name}.{Domain}\n"));
}
