using Checker.Runner.Databases;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper;

/// <summary>The znodes a workload creates before its workers start.</summary>
internal static class ZooKeeperZnodes
{
    /// <summary>Connects to the first node, creates each path (with its ancestors) that is absent, then runs
    /// `more`.</summary>
    public static async Task PrepareAsync(
        IReadOnlyList<(string Host, int Port)> nodes,
        ZooKeeperClientOptions options,
        IEnumerable<string> paths,
        CancellationToken ct,
        Func<ZooKeeperClient, Task>? more = null
    )
    {
        var (host, port) = nodes[0];
        await using var zk = await ZooKeeperClient.ConnectAsync(host, port, options, ct);
        foreach (var path in paths)
            await CreatePathAsync(zk, path);
        if (more is not null)
            await more(zk);
        await zk.CloseAsync();
    }

    /// <summary>A session on the first node whose server has synced `path` with the leader: what it reads next is
    /// current (for tests' reads of the database).</summary>
    internal static async Task<ZooKeeperClient> SyncedAsync(
        IReadOnlyList<(string Host, int Port)> nodes,
        ZooKeeperClientOptions options,
        string path,
        CancellationToken ct
    )
    {
        var (host, port) = nodes[0];
        var zk = await ZooKeeperClient.ConnectAsync(host, port, options, ct);
        await zk.SyncAsync(path);
        return zk;
    }

    /// <summary>Creates the path's persistent znodes from the top down, skipping those that exist.</summary>
    public static async Task CreatePathAsync(ZooKeeperClient zk, string path, byte[]? data = null)
    {
        var prefix = "";
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            prefix += "/" + parts[i];
            try
            {
                await zk.CreateAsync(prefix, i == parts.Length - 1 ? data ?? [] : [], CreateMode.Persistent);
            }
            catch (NodeExistsException) { }
        }
    }
}
