using Checker.ZooKeeper;
using Checker.ZooKeeper.Tests.Infrastructure;

namespace Checker.Benchmarks;

/// <summary>The ZooKeeper client against a local standalone server: sequential and pipelined ops/s.</summary>
public static class ZooKeeperClientBench
{
    public static int Run()
    {
        using var cluster = LocalZooKeeperCluster.StartAsync(1).GetAwaiter().GetResult();
        var server = cluster.Servers[0];
        ZooKeeperBench.RunAsync(server.Host, server.Port, 10_000, Console.Out).GetAwaiter().GetResult();
        return 0;
    }
}
