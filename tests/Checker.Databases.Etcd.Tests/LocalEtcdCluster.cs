using Checker.Databases.Etcd;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

using Checker.Nodes;

namespace Checker.Databases.Etcd.Tests;

/// <summary>
/// A real etcd cluster on local nodes with the etcd suite's settings, peers through the fault proxy,
/// as a run sets it up. Disposing stops every member and proxy and removes the nodes' folders.
/// </summary>
public sealed class LocalEtcdCluster : IAsyncDisposable
{
    public LocalNodeProvider Provider { get; }
    public INetwork Network { get; }
    public EtcdDb Db { get; }
    public TimeSpan StartToServing { get; private set; }
    public IReadOnlyList<Node> Nodes => Provider.Nodes;

    LocalEtcdCluster(LocalNodeProvider provider, INetwork network, EtcdDb db)
    {
        Provider = provider;
        Network = network;
        Db = db;
    }

    public static async Task<LocalEtcdCluster> StartAsync(int members = 3, EtcdSettings? settings = null)
    {
        var provider = LocalNodeProvider.Create(members, Directory.CreateTempSubdirectory("checker-etcd-").FullName);
        var network = await Networks.StartAsync(new Checker.Runner.Spec.TestSpec { Nodes = new Checker.Runner.Spec.NodesSpec { Count = members } }, provider, new EtcdSuite().PeerPorts, default);
        var db = new EtcdDb(settings ?? new EtcdSettings(), null, TimeSpan.FromSeconds(60), provider, network,
            "test", _ => { });
        var cluster = new LocalEtcdCluster(provider, network, db);
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
        await Network.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
