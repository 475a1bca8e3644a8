using Checker.Databases.ZooKeeper;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

using Checker.Nodes;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>A real 3-node ensemble behind the proxy network, shared by the workload client tests; each test works under a root of its own.</summary>
public sealed class ZooKeeperEnsemble : IAsyncLifetime
{
    readonly string dir = Path.Combine(Path.GetTempPath(), $"checker-zk-clients-{Guid.NewGuid():N}");
    LocalNodeProvider? provider;
    INetwork? network;

    public ZooKeeperDb Db { get; private set; } = null!;

    public IReadOnlyList<Node> Nodes => provider!.Nodes;

    public List<(string Host, int Port)> Endpoints => Nodes.Select(Db.ClientEndpoint).ToList();

    /// <summary>Short timeouts, so that a test of an unknown outcome or a lost session does not wait long.</summary>
    public static ZooKeeperClientOptions Options(double sessionSeconds = 6, double requestSeconds = 2) => new()
    {
        SessionTimeout = TimeSpan.FromSeconds(sessionSeconds),
        RequestTimeout = TimeSpan.FromSeconds(requestSeconds),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>A fresh root znode path for one test.</summary>
    public static string NewRoot() => $"/checker/client-test-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        provider = LocalNodeProvider.Create(3, dir);
        var suite = new ZooKeeperSuite();
        network = await Networks.StartAsync(new TestSpec(), provider, suite.PeerPorts, CancellationToken.None);
        Db = new ZooKeeperDb(new ZooKeeperSettings(), new DbSpec(), null, provider, network, $"zk-clients-{Environment.ProcessId}-{Guid.NewGuid():N}", _ => { });
        await Db.SetupAsync(CancellationToken.None);
    }

    /// <summary>Kills a server, runs the action, then restarts it and waits for the quorum again, whatever the action did.</summary>
    public async Task WithKilledAsync(int node, Func<Task> action)
    {
        await Db.KillAsync(Nodes[node], CancellationToken.None);
        try { await action(); }
        finally
        {
            await Db.RestartAsync(Nodes[node], CancellationToken.None);
            await Db.WaitForQuorumAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        }
    }

    /// <summary>Pauses a server, runs the action, then resumes it, whatever the action did.</summary>
    public async Task WithPausedAsync(int node, Func<Task> action)
    {
        await Db.PauseAsync(Nodes[node], CancellationToken.None);
        try { await action(); }
        finally { await Db.ResumeAsync(Nodes[node], CancellationToken.None); }
    }

    public async Task DisposeAsync()
    {
        if (Db is not null) await Db.TeardownAsync();
        if (network is not null) await network.DisposeAsync();
        if (provider is not null) await provider.TeardownAsync();
    }
}

/// <summary>The workload client tests share one ensemble, and run alone: they kill and pause its servers.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ZooKeeperClientsCollection : ICollectionFixture<ZooKeeperEnsemble>
{
    public const string Name = "zookeeper workload clients";
}
