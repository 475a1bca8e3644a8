using System.Text;
using Checker.ZooKeeper.Tests.Infrastructure;

namespace Checker.ZooKeeper.Tests;

/// <summary>The same operations against a 3-node ensemble, each scenario entering through a different member.</summary>
[Trait("Tier", "Slow")]
public class EnsembleTests(EnsembleFixture zk) : IClassFixture<EnsembleFixture>
{
    private Func<int, Task<ZooKeeperClient>> Via(int first) => i => zk.ConnectAsync((first + i) % 3);

    [Fact] public Task Basic_crud() => OperationScenarios.BasicCrudAsync(Via(0));
    [Fact] public Task Compare_and_set() => OperationScenarios.CompareAndSetAsync(Via(1));
    [Fact] public Task Sequential_and_ephemeral() => OperationScenarios.SequentialAndEphemeralAsync(Via(2));
    [Fact] public Task Multi() => OperationScenarios.MultiAsync(Via(1));
    [Fact] public Task Pipelined_in_order() => OperationScenarios.PipelinedInOrderAsync(Via(2));

    [Fact]
    public async Task Sync_makes_a_write_through_one_member_visible_on_another()
    {
        await using var writer = await zk.ConnectAsync(0);
        await using var reader = await zk.ConnectAsync(2);
        var node = await writer.CreateAsync("/sync-", Encoding.UTF8.GetBytes("v1"), CreateMode.PersistentSequential);
        await writer.SetDataAsync(node, Encoding.UTF8.GetBytes("v2"));
        await reader.SyncAsync(node);
        var data = await reader.GetDataAsync(node);
        Assert.Equal(("v2", 1), (Encoding.UTF8.GetString(data.Data), data.Stat.Version));
    }

    [Fact]
    public async Task Session_resumes_on_another_member_with_id_and_password()
    {
        await using var observer = await zk.ConnectAsync(2);
        var first = await zk.ConnectAsync(0);
        var ephemeral = await first.CreateAsync("/moved-", [], CreateMode.EphemeralSequential);

        // A member that has not yet seen our last zxid closes the handshake; on a loaded machine that can last a moment.
        ZooKeeperClient? resumed = null;
        for (var attempt = 0; resumed is null; attempt++)
        {
            try
            {
                resumed = await zk.ConnectAsync(1, new ZooKeeperClientOptions
                {
                    SessionId = first.SessionId, SessionPassword = first.SessionPassword, LastZxidSeen = first.LastZxid,
                });
            }
            catch (ZooKeeperConnectException) when (attempt < 50) { await Task.Delay(200); }
        }
        await using var second = resumed;
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Equal(first.SessionPassword, second.SessionPassword);
        Assert.Equal(first.SessionId, (await second.ExistsAsync(ephemeral))!.EphemeralOwner);
        var another = await second.CreateAsync("/moved-", [], CreateMode.EphemeralSequential);
        Assert.Equal(first.SessionId, (await second.ExistsAsync(another))!.EphemeralOwner);

        // The old connection no longer owns the session: its writes must not succeed.
        var stale = await OperationScenarios.Record(() => first.CreateAsync("/stale-", [], CreateMode.EphemeralSequential));
        Assert.NotNull(stale);
        if (stale is ZooKeeperException ze) Assert.Contains(ze.Code, new[] { ErrorCode.SessionMoved, ErrorCode.ConnectionLoss });
        else Assert.IsAssignableFrom<ZooKeeperIndeterminateException>(stale);
        await first.DisposeAsync();

        await second.CloseAsync();
        await observer.SyncAsync("/");
        Assert.Null(await observer.ExistsAsync(ephemeral));
        Assert.Null(await observer.ExistsAsync(another));
    }

    [Fact]
    public async Task Every_member_reports_a_quorum_role()
    {
        var modes = new List<string?>();
        foreach (var s in zk.Servers) modes.Add(await ZooKeeperFourLetterWords.ModeAsync(s.Host, s.Port));
        Assert.Equal(1, modes.Count(m => m == "leader"));
        Assert.Equal(2, modes.Count(m => m == "follower"));
    }
}
