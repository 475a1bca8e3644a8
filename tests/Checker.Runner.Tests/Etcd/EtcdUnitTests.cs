using System.Net.Sockets;
using Checker.Core.History;
using Checker.Runner.Databases.Etcd;
using Checker.Runner.Db;
using Checker.Runner.Nodes;
using Grpc.Core;

namespace Checker.Runner.Tests.Etcd;

/// <summary>The etcd pieces that need no cluster: finding the binary, the outcome table, the peer names.</summary>
public sealed class EtcdUnitTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("checker-etcd-unit-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_candidate_without_etcd_is_an_environment_error_that_says_what_to_pass()
    {
        var e = Assert.Throws<EnvironmentException>(() => EtcdInstall.Find(Path.Combine(dir, "missing"), Path.Combine(dir, "unpack")));
        Assert.Contains("missing' holds no etcd binary", e.Message);
        Assert.Contains("tar.gz", e.Message);
    }

    [Fact]
    public void A_release_tarball_or_a_directory_with_bin_etcd_is_found()
    {
        var release = Directory.CreateDirectory(Path.Combine(dir, "etcd-v3.4.99-linux-amd64")).FullName;
        var binary = Path.Combine(release, "etcd");
        File.WriteAllText(binary, "#!/bin/sh\n");
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(binary, EtcdInstall.Find(release, Path.Combine(dir, "unused")).Binary);

        var archive = Path.Combine(dir, "etcd-v3.4.99-linux-amd64.tar.gz");
        using (var tar = System.Diagnostics.Process.Start("tar", ["-czf", archive, "-C", dir, "etcd-v3.4.99-linux-amd64"])) tar.WaitForExit();
        var unpacked = EtcdInstall.Find(archive, Path.Combine(dir, "unpack"));
        Assert.Equal(Path.Combine(dir, "unpack", "etcd-v3.4.99-linux-amd64", "etcd"), unpacked.Binary);
    }

    [Fact]
    public async Task A_member_that_exits_at_start_is_reported_at_once_with_its_log()
    {
        await using var provider = LocalNodeProvider.Create(3, Path.Combine(dir, "nodes"));
        var db = new EtcdDb(new EtcdOptions(StartTimeout: 60), new EtcdInstall("/bin/false", "test"), provider, null, "unit", _ => { });
        var e = await Assert.ThrowsAsync<EnvironmentException>(() => db.SetupAsync(default));
        Assert.Contains("exited while the cluster formed", e.Message); // not the start timeout's "did not serve"
        await db.TeardownAsync();
    }

    [Fact]
    public void Every_status_code_has_a_fate_and_a_reason()
    {
        foreach (var code in Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK))
            Assert.True(EtcdOutcomes.Table.TryGetValue(code, out var row) && row.Reason.Length > 20, $"{code} has no row");
    }

    [Fact]
    public void Unavailable_is_fail_only_when_no_connection_was_made()
    {
        var refused = new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.",
            new SocketException((int)SocketError.ConnectionRefused)));
        Assert.Equal(OpType.Fail, EtcdOutcomes.ForMutation(refused).Type);

        var unreachableMidCall = new RpcException(new Status(StatusCode.Unavailable, "Error reading next message.",
            new IOException("Unable to read data", new SocketException((int)SocketError.HostUnreachable))));
        Assert.Equal(OpType.Info, EtcdOutcomes.ForMutation(unreachableMidCall).Type);
        var dropped = new RpcException(new Status(StatusCode.Unavailable, "Error reading next message.", new IOException("The request was aborted.")));
        Assert.Equal(OpType.Info, EtcdOutcomes.ForMutation(dropped).Type);
        var timedOut = new RpcException(new Status(StatusCode.Unavailable, "etcdserver: request timed out"));
        Assert.Equal(OpType.Info, EtcdOutcomes.ForMutation(timedOut).Type);
        Assert.Equal(OpType.Info, EtcdOutcomes.ForMutation(new RpcException(new Status(StatusCode.DeadlineExceeded, ""))).Type);
        Assert.Equal(OpType.Fail, EtcdOutcomes.ForMutation(new RpcException(new Status(StatusCode.InvalidArgument, "etcdserver: key is not provided"))).Type);
    }

    [Fact]
    public void Members_behind_per_link_proxies_are_named_and_each_resolves_names_to_its_own_links()
    {
        var nodes = Enumerable.Range(1, 3).Select(k => new Node($"n{k}", k, $"127.9.0.{k}", "/tmp")).ToList();
        var proxied = new EtcdPeerNames(nodes, (from, to) => $"127.9.{from.Id}.{to.Id}");
        Assert.True(proxied.NeedsHostsFiles);
        Assert.Equal("http://n2.etcd-peer:2380", proxied.PeerUrl(nodes[1], 2380));
        Assert.Equal("127.0.0.1 localhost\n127.9.0.1 n1.etcd-peer\n127.9.1.2 n2.etcd-peer\n127.9.1.3 n3.etcd-peer\n", proxied.HostsFile(nodes[0]));

        var direct = new EtcdPeerNames(nodes, (_, to) => to.Address);
        Assert.False(direct.NeedsHostsFiles);
        Assert.Equal("http://127.9.0.2:2380", direct.PeerUrl(nodes[1], 2380));
        Assert.False(new EtcdPeerNames(nodes, null).NeedsHostsFiles);
    }
}
