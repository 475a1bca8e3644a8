using Checker.Databases.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Checker.Databases.Etcd.Tests;

/// <summary>
/// dotnet-etcd against Debian's etcd 3.4, before anything is built on it: every call the register
/// client and the database use, with the answers etcd 3.4 documents.
/// </summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdClientProofTests
{
    [Fact]
    public async Task Put_get_txn_on_value_and_mod_revision_serializable_get_and_status_work_against_etcd_3_4()
    {
        await using var cluster = await LocalEtcdCluster.StartAsync();
        var (host, port) = cluster.Endpoint(cluster.Nodes[0]);
        using var channel = new EtcdChannel(host, port, TimeSpan.FromSeconds(2));
        var etcd = channel.Client;
        var key = ByteString.CopyFromUtf8("proof/k");

        var put = await etcd.PutAsync(new PutRequest { Key = key, Value = ByteString.CopyFromUtf8("1") });
        var got = await etcd.GetAsync(new RangeRequest { Key = key });
        Assert.Equal("1", got.Kvs.Single().Value.ToStringUtf8());
        Assert.Equal(put.Header.Revision, got.Kvs[0].ModRevision);

        // Compare on value: the wrong value fails and changes nothing; the right one puts.
        var wrong = await etcd.TransactionAsync(Txn(key, new Compare { Key = key, Target = Compare.Types.CompareTarget.Value, Value = ByteString.CopyFromUtf8("9") }, "2"));
        Assert.False(wrong.Succeeded);
        var right = await etcd.TransactionAsync(Txn(key, new Compare { Key = key, Target = Compare.Types.CompareTarget.Value, Value = ByteString.CopyFromUtf8("1") }, "2"));
        Assert.True(right.Succeeded);

        // Compare on mod revision: the revision of the first put is stale now.
        var stale = await etcd.TransactionAsync(Txn(key, new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, ModRevision = put.Header.Revision }, "3"));
        Assert.False(stale.Succeeded);
        var current = await etcd.TransactionAsync(Txn(key, new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, ModRevision = right.Header.Revision }, "3"));
        Assert.True(current.Succeeded);

        // A serializable read through another member answers from that member's state (here caught up: "3" or the older "2").
        var (host2, port2) = cluster.Endpoint(cluster.Nodes[1]);
        using var other = new EtcdChannel(host2, port2, TimeSpan.FromSeconds(2));
        var local = await other.Client.GetAsync(new RangeRequest { Key = key, Serializable = true });
        Assert.Contains(local.Kvs.Single().Value.ToStringUtf8(), new[] { "2", "3" });
        Assert.Equal("3", (await other.Client.GetAsync(new RangeRequest { Key = key })).Kvs.Single().Value.ToStringUtf8());

        // Maintenance status names the leader by member id; exactly one member is it.
        var statuses = new List<StatusResponse>();
        foreach (var node in cluster.Nodes)
        {
            var (h, p) = cluster.Endpoint(node);
            using var c = new EtcdChannel(h, p, TimeSpan.FromSeconds(2));
            statuses.Add(await c.Client.StatusAsync(new StatusRequest()));
        }
        Assert.StartsWith("3.4.", statuses[0].Version);
        Assert.Single(statuses, s => s.Header.MemberId == s.Leader);
        Assert.All(statuses, s => Assert.Equal(statuses[0].Leader, s.Leader));
    }

    static TxnRequest Txn(ByteString key, Compare compare, string value)
    {
        compare.Result = Compare.Types.CompareResult.Equal;
        var txn = new TxnRequest();
        txn.Compare.Add(compare);
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(value) } });
        return txn;
    }
}
