using Checker.Runner.Databases.Etcd;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Runner.Tests.Etcd;

/// <summary>
/// A real etcd cluster on local nodes, peers through the fault proxy (127.S.from.to), as a run sets it
/// up. Disposing stops every member and proxy and removes the nodes' folders.
/// </summary>
public sealed class LocalEtcdCluster : IAsyncDisposable
{
    public LocalNodeProvider Provider { get; }
    public ProxyNetwork Proxies { get; }
    public EtcdDb Db { get; }
    public TimeSpan StartToServing { get; private set; }
    public IReadOnlyList<Node> Nodes => Provider.Nodes;

    LocalEtcdCluster(LocalNodeProvider provider, ProxyNetwork proxies, EtcdDb db)
    {
        Provider = provider;
        Proxies = proxies;
        Db = db;
    }

    public static async Task<LocalEtcdCluster> StartAsync(int members = 3)
    {
        var root = Directory.CreateTempSubdirectory("checker-etcd-").FullName;
        var provider = LocalNodeProvider.Create(members, root);
        string PeerAddress(Node from, Node to) => $"127.{provider.Subnet}.{from.Id}.{to.Id}";
        var proxies = ProxyNetwork.Start(provider.Nodes, EtcdDb.PeerPorts, PeerAddress);
        var install = EtcdInstall.Find(null, Path.Combine(root, "install"));
        var db = new EtcdDb(new EtcdOptions(StartTimeout: 60), install, provider, new ProxyPeers(proxies, PeerAddress), "test", _ => { });
        var cluster = new LocalEtcdCluster(provider, proxies, db);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try { await db.SetupAsync(CancellationToken.None); }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        cluster.StartToServing = started.Elapsed;
        return cluster;
    }

    public (string Host, int Port) Endpoint(Node node) => Db.ClientEndpoint(node);

    public async ValueTask DisposeAsync()
    {
        await Db.TeardownAsync();
        await Proxies.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>The proxy network seen through INetwork: the peer addresses, and partitions by grudge.</summary>
    sealed class ProxyPeers(ProxyNetwork proxies, Func<Node, Node, string> peerAddress) : INetwork
    {
        public string Kind => "proxy";
        public NetworkAbilities Abilities => NetworkAbilities.Drop | NetworkAbilities.Blackhole | NetworkAbilities.OneWay;
        public string PeerAddress(Node from, Node to) => peerAddress(from, to);

        public Task PartitionAsync(Grudge grudge, PartitionMode mode, CancellationToken ct)
        {
            proxies.Partition(grudge, mode == PartitionMode.Drop ? LinkFault.Drop : LinkFault.Blackhole);
            return Task.CompletedTask;
        }

        public Task HealAsync(CancellationToken ct)
        {
            proxies.Heal();
            return Task.CompletedTask;
        }

        public Task SlowAsync(TimeSpan delay, TimeSpan jitter, CancellationToken ct) => throw new NotSupportedException();
        public Task LoseAsync(double probability, CancellationToken ct) => throw new NotSupportedException();
        public Task LimitBandwidthAsync(long bitsPerSecond, CancellationToken ct) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
