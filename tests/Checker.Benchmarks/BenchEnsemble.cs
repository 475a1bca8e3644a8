using Checker.Databases.ZooKeeper;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

namespace Checker.Benchmarks;

/// <summary>A 3-node ZooKeeper ensemble for the fault benchmarks: on the spec's nodes and network, or with its servers talking directly.</summary>
sealed class BenchEnsemble : IAsyncDisposable
{
    public INodeProvider Nodes { get; }
    public INetwork Network { get; }
    public ZooKeeperDb Db { get; }

    BenchEnsemble(INodeProvider nodes, INetwork network, ZooKeeperDb db) => (Nodes, Network, Db) = (nodes, network, db);

    /// <summary>Starts the ensemble under root and waits for its quorum; direct: no fault network between the servers.</summary>
    public static async Task<BenchEnsemble> StartAsync(string root, NodesSpec nodesSpec, bool direct = false)
    {
        var spec = new TestSpec { Nodes = nodesSpec };
        var nodes = await NodeProviders.CreateAsync(spec.Nodes, root, _ => { }, CancellationToken.None);
        var network = direct ? new DirectNetwork() : await Networks.StartAsync(spec, nodes, new ZooKeeperSuite().PeerPorts, CancellationToken.None);
        var db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, nodes, network, $"bench-{Path.GetFileName(root)}-{Environment.ProcessId}", _ => { });
        await db.SetupAsync(CancellationToken.None);
        return new BenchEnsemble(nodes, network, db);
    }

    /// <summary>What the node says it is (leader, follower, ...), or null when it does not answer.</summary>
    public Task<string?> ModeAsync(Node node)
    {
        var (host, port) = Db.ClientEndpoint(node);
        return ZooKeeperFourLetterWords.ModeAsync(host, port, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Db.TeardownAsync();
        await Network.DisposeAsync();
        await Nodes.TeardownAsync();
    }
}
