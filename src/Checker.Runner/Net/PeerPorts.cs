using System.Net.Sockets;
using Checker.Runner.Nodes;

namespace Checker.Runner.Net;

/// <summary>Rewrites the start of a connection (e.g. a handshake that names addresses) before the plain pumping
/// begins.</summary>
public delegate Task Handshake(Socket from, Socket to, CancellationToken ct);

/// <summary>
/// The ports a database's nodes use to talk to each other, and for a proxy network, how a link's
/// opening bytes must be rewritten so that a connect-back also goes through the proxies.
/// HandshakeFor(port, from, to, peerAddress) may return null: no rewrite on that port.
/// </summary>
public sealed record PeerPorts(
    IReadOnlyList<int> Ports,
    Func<int, Node, Node, Func<Node, Node, string>, Handshake?>? HandshakeFor = null
)
{
    public static readonly PeerPorts None = new([]);
}
