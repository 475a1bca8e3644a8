using System.Text;
using System.Text.RegularExpressions;

namespace Checker.ZooKeeper.Tests;

/// <summary>
/// Every client operation, written once and run against both a standalone server and an ensemble.
/// <c>connect(i)</c> opens a client to member i (modulo the cluster size); each scenario works under
/// its own fresh root node so scenarios can share a server.
/// </summary>
public static class OperationScenarios
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static async Task<string> FreshRootAsync(ZooKeeperClient client, string name) =>
        await client.CreateAsync($"/{name}-", [], CreateMode.PersistentSequential);

    /// <summary>create / exists / getData / setData / getChildren / delete and their definite errors.</summary>
    public static async Task BasicCrudAsync(Func<int, Task<ZooKeeperClient>> connect)
    {
        await using var client = await connect(0);
        var root = await FreshRootAsync(client, "crud");
        var node = root + "/a";

        Assert.Equal(node, await client.CreateAsync(node, B("one")));
        var stat = await client.ExistsAsync(node);
        Assert.NotNull(stat);
        Assert.Equal((0, 3, 0L), (stat.Version, stat.DataLength, stat.EphemeralOwner));
        Assert.Null(await client.ExistsAsync(root + "/missing"));

        var data = await client.GetDataAsync(node);
        Assert.Equal("one", Encoding.UTF8.GetString(data.Data));
        Assert.Equal(stat, data.Stat);

        var set = await client.SetDataAsync(node, B("two"));
        Assert.Equal(1, set.Version);
        Assert.True(set.Mzxid > stat.Mzxid);
        Assert.Equal("two", Encoding.UTF8.GetString((await client.GetDataAsync(node)).Data));

        await client.CreateAsync(root + "/b", []);
        var children = await client.GetChildrenAsync(root);
        Assert.Equal(["a", "b"], children.Order());

        Assert.Equal(node, Assert.IsType<NodeExistsException>(await Record(() => client.CreateAsync(node, []))).Path);
        Assert.IsType<NoNodeException>(await Record(() => client.GetDataAsync(root + "/missing")));
        Assert.IsType<NoNodeException>(await Record(() => client.SetDataAsync(root + "/missing", [])));
        Assert.IsType<NoNodeException>(await Record(() => client.CreateAsync(root + "/missing/child", [])));
        Assert.IsType<NotEmptyException>(await Record(() => client.DeleteAsync(root)));
        Assert.IsType<BadVersionException>(await Record(() => client.DeleteAsync(node, version: 0)));
        Assert.Equal(ErrorCode.BadArguments, Assert.IsType<ZooKeeperException>(await Record(() => client.CreateAsync("no-slash", []))).Code);

        await client.DeleteAsync(node, version: 1);
        await client.DeleteAsync(root + "/b");
        Assert.Empty(await client.GetChildrenAsync(root));
        await client.DeleteAsync(root);
        Assert.Null(await client.ExistsAsync(root));
        Assert.IsType<NoNodeException>(await Record(() => client.DeleteAsync(root)));
        Assert.True(client.IsConnected);   // definite errors leave the connection usable
    }

    /// <summary>Compare-and-set: a stale version fails definitely and changes nothing.</summary>
    public static async Task CompareAndSetAsync(Func<int, Task<ZooKeeperClient>> connect)
    {
        await using var client = await connect(0);
        var root = await FreshRootAsync(client, "cas");
        var node = root + "/reg";
        await client.CreateAsync(node, B("0"));

        var v1 = await client.SetDataAsync(node, B("1"), version: 0);
        Assert.Equal(1, v1.Version);
        var stale = Assert.IsType<BadVersionException>(await Record(() => client.SetDataAsync(node, B("stale"), version: 0)));
        Assert.Equal(ErrorCode.BadVersion, stale.Code);
        var now = await client.GetDataAsync(node);
        Assert.Equal(("1", 1), (Encoding.UTF8.GetString(now.Data), now.Stat.Version));
        Assert.Equal(2, (await client.SetDataAsync(node, B("2"), version: 1)).Version);
    }

    /// <summary>Sequential nodes get increasing 10-digit suffixes; ephemerals die with the session.</summary>
    public static async Task SequentialAndEphemeralAsync(Func<int, Task<ZooKeeperClient>> connect)
    {
        await using var observer = await connect(1);
        var root = await FreshRootAsync(observer, "seq");
        var owner = await connect(0);
        var paths = new List<string>();
        for (int i = 0; i < 3; i++)
            paths.Add(await owner.CreateAsync(root + "/item-", B(i.ToString()), i == 2 ? CreateMode.EphemeralSequential : CreateMode.PersistentSequential));
        Assert.All(paths, p => Assert.Matches(new Regex("^" + Regex.Escape(root) + @"/item-\d{10}$"), p));
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
        Assert.Equal(3, paths.Distinct().Count());

        var ephemeral = await owner.CreateAsync(root + "/eph", [], CreateMode.Ephemeral);
        Assert.Equal(owner.SessionId, (await owner.ExistsAsync(ephemeral))!.EphemeralOwner);
        Assert.Equal(owner.SessionId, (await owner.ExistsAsync(paths[2]))!.EphemeralOwner);
        Assert.IsType<ZooKeeperException>(await Record(() => owner.CreateAsync(ephemeral + "/child", [])));   // NoChildrenForEphemerals

        await owner.CloseAsync();
        Assert.False(owner.IsConnected);
        Assert.IsType<ZooKeeperNotConnectedException>(await Record(() => owner.ExistsAsync(root)));
        await observer.SyncAsync(root);
        Assert.Null(await observer.ExistsAsync(ephemeral));
        Assert.Null(await observer.ExistsAsync(paths[2]));
        Assert.NotNull(await observer.ExistsAsync(paths[0]));
    }

    /// <summary>Multi: all ops apply with per-op results, or none do (failing check) with per-op errors.</summary>
    public static async Task MultiAsync(Func<int, Task<ZooKeeperClient>> connect)
    {
        await using var client = await connect(0);
        var root = await FreshRootAsync(client, "multi");
        var a = root + "/a";
        await client.CreateAsync(a, B("a0"));
        await client.CreateAsync(root + "/gone", []);

        var results = await client.MultiAsync([
            new MultiOp.Check(a, 0),
            new MultiOp.SetData(a, B("a1"), 0),
            new MultiOp.Create(root + "/s-", [], CreateMode.PersistentSequential),
            new MultiOp.Delete(root + "/gone"),
        ]);
        Assert.IsType<OpResult.Check>(results[0]);
        Assert.Equal(1, Assert.IsType<OpResult.SetData>(results[1]).Stat.Version);
        Assert.Matches(@"/s-\d{10}$", Assert.IsType<OpResult.Create>(results[2]).Path);
        Assert.IsType<OpResult.Delete>(results[3]);
        Assert.Null(await client.ExistsAsync(root + "/gone"));

        var failed = Assert.IsType<ZooKeeperMultiException>(await Record(() => client.MultiAsync([
            new MultiOp.SetData(a, B("never"), -1),
            new MultiOp.Check(a, 0),                  // stale: a is at version 1
            new MultiOp.Create(root + "/never", []),
        ])));
        Assert.Equal(ErrorCode.BadVersion, failed.Code);
        Assert.Equal(
            [new OpResult.Error(ErrorCode.Ok), new OpResult.Error(ErrorCode.BadVersion), new OpResult.Error(ErrorCode.RuntimeInconsistency)],
            failed.Results);
        var after = await client.GetDataAsync(a);
        Assert.Equal(("a1", 1), (Encoding.UTF8.GetString(after.Data), after.Stat.Version));   // rolled back
        Assert.Null(await client.ExistsAsync(root + "/never"));

        var noNode = Assert.IsType<ZooKeeperMultiException>(await Record(() => client.MultiAsync([new MultiOp.Delete(root + "/missing")])));
        Assert.Equal(ErrorCode.NoNode, noNode.Code);
    }

    /// <summary>Pipelined requests on one connection complete in send order, each with the right reply.</summary>
    public static async Task PipelinedInOrderAsync(Func<int, Task<ZooKeeperClient>> connect)
    {
        await using var client = await connect(0);
        var root = await FreshRootAsync(client, "pipe");
        var node = root + "/n";
        await client.CreateAsync(node, []);
        var completionOrder = new List<int>();
        var tasks = Enumerable.Range(0, 500).Select(async i =>
        {
            var stat = await client.SetDataAsync(node, B(i.ToString()));
            lock (completionOrder) completionOrder.Add(i);
            return stat.Version;
        }).ToList();
        var versions = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 500), versions);   // i-th request was applied i-th
        Assert.Equal("499", Encoding.UTF8.GetString((await client.GetDataAsync(node)).Data));
        Assert.Equal(500, completionOrder.Count);
    }

    /// <summary>Runs <paramref name="action"/> and returns what it threw (null if nothing).</summary>
    public static async Task<Exception?> Record(Func<Task> action)
    {
        try { await action(); return null; }
        catch (Exception e) { return e; }
    }
}
