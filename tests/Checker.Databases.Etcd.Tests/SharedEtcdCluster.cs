namespace Checker.Databases.Etcd.Tests;

/// <summary>One real three-member cluster for a test class whose tests each keep to a key prefix of their own.</summary>
public sealed class SharedEtcdCluster : IAsyncLifetime
{
    public LocalEtcdCluster Cluster { get; private set; } = null!;

    public List<(string Host, int Port)> Endpoints => Cluster.Nodes.Select(Cluster.Endpoint).ToList();

    /// <summary>A key prefix no other test uses.</summary>
    public static string FreshPrefix() => $"/test/{Guid.NewGuid():N}";

    public async Task InitializeAsync() => Cluster = await LocalEtcdCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
