namespace Checker.ZooKeeper.Tests.Infrastructure;

/// <summary>One standalone server shared by the tests of a collection (JVM start-up is the slow part).</summary>
public sealed class SingleServerFixture : IAsyncLifetime
{
    private LocalZooKeeperCluster? cluster;

    /// <summary>The server.</summary>
    public LocalZooKeeperServer Server => cluster!.Servers[0];

    /// <summary>Connects a new client to the server.</summary>
    public Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions? options = null) =>
        ZooKeeperClient.ConnectAsync(Server.Host, Server.Port, options);

    public async Task InitializeAsync() => cluster = await LocalZooKeeperCluster.StartAsync(1);

    public Task DisposeAsync()
    {
        cluster?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A 3-node ensemble shared by the ensemble tests.</summary>
public sealed class EnsembleFixture : IAsyncLifetime
{
    private LocalZooKeeperCluster? cluster;

    /// <summary>The members.</summary>
    public IReadOnlyList<LocalZooKeeperServer> Servers => cluster!.Servers;

    /// <summary>Connects a new client to member <paramref name="index"/>.</summary>
    public Task<ZooKeeperClient> ConnectAsync(int index, ZooKeeperClientOptions? options = null) =>
        ZooKeeperClient.ConnectAsync(Servers[index].Host, Servers[index].Port, options);

    public async Task InitializeAsync() => cluster = await LocalZooKeeperCluster.StartAsync(3);

    public Task DisposeAsync()
    {
        cluster?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SingleServerCollection : ICollectionFixture<SingleServerFixture>
{
    public const string Name = "single ZooKeeper server";
}
