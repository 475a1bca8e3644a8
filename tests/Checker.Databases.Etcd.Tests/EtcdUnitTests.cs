using System.Net.Sockets;
using Checker.Core.History;
using Checker.Databases.Etcd;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;
using Grpc.Core;

using Checker.Nodes;

namespace Checker.Databases.Etcd.Tests;

/// <summary>The etcd pieces that need no cluster: finding the binary, the outcome table, the peer names.</summary>
public sealed class EtcdUnitTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("checker-etcd-unit-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Finds etcd on a local node, as a run's setup does.</summary>
    static Task<EtcdInstall> FindOn(LocalNodeProvider nodes, string? candidate)
    {
        var node = nodes.Nodes[0];
        return EtcdInstall.OnNodeAsync((c, a, t) => nodes.RunAsync(node, c, a, t), (l, r, t) => nodes.UploadAsync(node, l, r, t),
            candidate, $"{node.Directory}/install", node.Name, _ => { }, default);
    }

    [Fact, Trait("Tier", "Integration")] // starts etcd or tar
    public async Task A_candidate_that_is_not_there_or_holds_no_etcd_is_an_environment_error_that_says_what_to_pass()
    {
        await using var nodes = LocalNodeProvider.Create(1, Path.Combine(dir, "nodes"));
        var missing = await Assert.ThrowsAsync<EnvironmentException>(() => FindOn(nodes, Path.Combine(dir, "missing")));
        Assert.Contains("db.install: '" + Path.Combine(dir, "missing") + "' is neither a file nor a directory", missing.Message);
        var empty = await Assert.ThrowsAsync<EnvironmentException>(() => FindOn(nodes, Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName));
        Assert.Contains("holds no etcd binary", empty.Message);
        Assert.Contains("tar.gz", empty.Message);
    }

    [Fact, Trait("Tier", "Integration")] // starts etcd or tar
    public async Task A_release_tarball_a_directory_or_the_binary_is_put_on_the_node_and_found_there()
    {
        await using var nodes = LocalNodeProvider.Create(1, Path.Combine(dir, "nodes"));
        var release = Directory.CreateDirectory(Path.Combine(dir, "etcd-v3.4.99-linux-amd64")).FullName;
        File.WriteAllText(Path.Combine(release, "etcd"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(release, "README-etcdctl.md"), "");
        var unpacked = $"{nodes.Nodes[0].Directory}/install/unpacked";

        Assert.Equal($"{unpacked}/etcd", (await FindOn(nodes, release)).Binary);
        Directory.Delete($"{nodes.Nodes[0].Directory}/install", recursive: true);
        Assert.Equal($"{unpacked}/etcd", (await FindOn(nodes, Path.Combine(release, "etcd"))).Binary);
        Directory.Delete($"{nodes.Nodes[0].Directory}/install", recursive: true);

        var archive = Path.Combine(dir, "etcd-v3.4.99-linux-amd64.tar.gz");
        using (var tar = System.Diagnostics.Process.Start("tar", ["-czf", archive, "-C", dir, "etcd-v3.4.99-linux-amd64"])) tar.WaitForExit();
        var fromArchive = await FindOn(nodes, archive);
        Assert.Equal($"{unpacked}/etcd-v3.4.99-linux-amd64/etcd", fromArchive.Binary);
        Assert.Equal(archive, fromArchive.Source);
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(fromArchive.Binary).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact, Trait("Tier", "Integration")] // starts etcd or tar
    public async Task Without_a_candidate_Debians_etcd_is_found()
    {
        await using var nodes = LocalNodeProvider.Create(1, Path.Combine(dir, "nodes"));
        var debian = await FindOn(nodes, null);
        Assert.Equal(EtcdInstall.DebianBinary, debian.Binary);
        Assert.Contains("etcd-server", debian.Source);
    }

    [Fact, Trait("Tier", "Integration")] // starts etcd or tar
    public async Task A_member_that_exits_at_start_is_reported_at_once_with_its_log()
    {
        await using var provider = LocalNodeProvider.Create(3, Path.Combine(dir, "nodes"));
        var db = new EtcdDb(new EtcdSettings(), "/bin/false", TimeSpan.FromSeconds(60), provider, null, "unit", _ => { });
        var e = await Assert.ThrowsAsync<EnvironmentException>(() => db.SetupAsync(default));
        Assert.Contains("exited while the cluster formed", e.Message); // not the start timeout's "did not serve"
        await db.TeardownAsync();
    }

    [Fact]
    public void A_call_whose_connection_never_finished_its_http2_handshake_was_never_sent_but_a_cut_response_may_have_been()
    {
        // As HttpClient reports a dead member's port that a reset answers, and a connection lost mid-response.
        static RpcException Unavailable(HttpIOException cause) =>
            new(new Status(StatusCode.Unavailable, "Error starting gRPC call.",
                new HttpRequestException(HttpRequestError.InvalidResponse, cause.Message, cause)));
        var handshake = new HttpIOException(HttpRequestError.InvalidResponse,
            "An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.",
            new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                new SocketException((int)SocketError.ConnectionReset)));
        var cut = new HttpIOException(HttpRequestError.InvalidResponse, "The response ended prematurely.",
            new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                new SocketException((int)SocketError.ConnectionReset)));

        Assert.True(EtcdOutcomes.NeverConnected(Unavailable(handshake)));
        Assert.False(EtcdOutcomes.NeverConnected(Unavailable(cut)));
    }

    [Fact]
    public async Task Members_run_with_pre_vote_unless_the_spec_turns_it_off()
    {
        await using var provider = LocalNodeProvider.Create(3, Path.Combine(dir, "nodes"));
        IReadOnlyList<string> Arguments(params (string Field, string Value)[] overrides)
        {
            var settings = Checker.Runner.Spec.SpecSections.Read<EtcdSettings>(EtcdSpec(overrides).Db.Settings, "db");
            var db = new EtcdDb(settings, null, TimeSpan.FromSeconds(1), provider, null, "unit", _ => { });
            return db.Arguments(provider.Nodes[0]);
        }
        Assert.Contains("--pre-vote=true", Arguments());
        Assert.Contains("--pre-vote=false", Arguments(("db.pre-vote", "false")));
    }

    [Fact]
    public void Leader_elections_are_read_from_the_members_logs_with_what_set_them_off()
    {
        // The shape of etcd 3.4's zap log when a member cut off without pre-vote rejoins with a higher term (n2 here).
        static string Line(string ts, string msg) =>
            $"{{\"level\":\"info\",\"ts\":\"2026-12-07T01:15:{ts}Z\",\"caller\":\"raft/raft.go:1\",\"msg\":\"{msg}\"}}";
        var origin = new DateTimeOffset(2026, 12, 7, 1, 15, 0, TimeSpan.Zero);
        var logs = new Dictionary<string, IEnumerable<string>>
        {
            ["n1"] =
            [
                Line("03.694", "raft.node: aaa elected leader ccc at term 16"),
                Line("09.593", "aaa [term: 16] received a MsgVote message with higher term from bbb [term: 19]"),
                Line("09.593", "raft.node: aaa lost leader ccc at term 19"),
                "not json",
                Line("10.996", "raft.node: aaa elected leader ccc at term 20"),
            ],
            ["n2"] =
            [
                Line("03.692", "raft.node: bbb lost leader bbb at term 15"),
                Line("05.292", "bbb is starting a new election at term 15"),
            ],
            ["n3"] =
            [
                Line("00.100", "raft.node: ccc elected leader bbb at term 15"),
                Line("03.692", "ccc is starting a new election at term 15"),
                Line("03.693", "raft.node: ccc lost leader bbb at term 16"),
                Line("03.694", "raft.node: ccc elected leader ccc at term 16"),
                Line("08.314", "ccc [term: 16] received a MsgAppResp message with higher term from bbb [term: 18]"),
                Line("08.314", "raft.node: ccc lost leader ccc at term 18"),
                Line("10.995", "raft.node: ccc elected leader ccc at term 20"),
            ],
        };
        var elections = EtcdElections.Parse(logs, origin);
        Assert.Equal(4, elections.Count);
        var rejoin = elections.Single(e => e.Node == "n3" && e.FromTerm == 16);
        Assert.Equal(20, rejoin.ToTerm);
        Assert.Equal(8.314, rejoin.LostAt / 1e9, 3);
        Assert.Equal(10.995, rejoin.ElectedAt!.Value / 1e9, 3);
        Assert.Equal("a leader election (term 16→20) in n3's log at 8.3s..11.0s, " +
                     "set off by a MsgAppResp with the higher term 18 from n2", rejoin.Describe());
        var timedOut = elections.Single(e => e.Node == "n3" && e.FromTerm == 15);
        Assert.Equal("its own election timeout (no word from the leader)", timedOut.Trigger);
        var cutOff = elections.Single(e => e.Node == "n2");
        Assert.Null(cutOff.ElectedAt); // its log ends without a leader
        Assert.Equal("a MsgVote with the higher term 19 from n2", elections.Single(e => e.Node == "n1").Trigger);
    }

    static Checker.Runner.Spec.TestSpec EtcdSpec(params (string Field, string Value)[] overrides) =>
        Checker.Runner.Spec.SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-register.json"), overrides.Select(o => KeyValuePair.Create(o.Field, o.Value)));

    [Fact]
    public void The_etcd_spec_loads_with_its_own_fields_and_a_bad_one_is_named()
    {
        var spec = EtcdSpec(("workload.serializable-reads", "true"));
        Assert.Equal("etcd", spec.Db.Name);
        Assert.True(Checker.Runner.Spec.SpecSections.Read<EtcdRegisterSettings>(spec.Workload.Settings, "workload").SerializableReads);
        Assert.Equal(1000, Checker.Runner.Spec.SpecSections.Read<EtcdSettings>(spec.Db.Settings, "db").ElectionMs);

        var tooShort = Assert.Throws<Checker.Runner.Spec.SpecException>(() => EtcdSpec(("db.election-ms", "300")));
        Assert.Contains("db.electionMs", tooShort.Message);
        var zooKeepers = Assert.Throws<Checker.Runner.Spec.SpecException>(() => EtcdSpec(("workload.sync-reads", "false")));
        Assert.Contains("workload.syncReads", zooKeepers.Message);
    }

    [Theory]
    [InlineData("set", "workload.model-limit", "-1", "workload.modelLimit")]
    [InlineData("queue", "workload.enqueue-weight", "0", "workload.enqueueWeight")]
    [InlineData("mutex", "client.mode", "lose-adds", "client.mode")]
    [InlineData("bank", "workload.accounts", "1", "workload.accounts")]
    public void Each_etcd_workload_spec_loads_and_a_bad_field_is_named(string workload, string field, string value, string named)
    {
        var path = Path.Combine(Checker.Tests.RepositoryPaths.Workloads, $"etcd-{workload}.json");
        var spec = Checker.Runner.Spec.SpecLoader.Load(path, []);
        Assert.Equal(("etcd", workload, "correct"), (spec.Db.Name, spec.Workload.Name, spec.Client.Mode));
        Assert.Equal([Checker.Runner.Faults.FaultTable.Default], spec.Nemesis.Faults);
        var bad = Assert.Throws<Checker.Runner.Spec.SpecException>(() => Checker.Runner.Spec.SpecLoader.Load(path, [KeyValuePair.Create(field, value)]));
        Assert.Contains(named, bad.Message);
    }

    [Fact]
    public void The_mutex_lease_outlives_two_op_timeouts_and_a_prefix_range_ends_just_past_the_prefix()
    {
        IReadOnlyList<(string, int)> nowhere = [("127.0.0.1", 1)];
        Assert.Equal(6, new EtcdMutexes(nowhere, "/p", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), 0, 1).LeaseTtl);
        Assert.Equal(5, new EtcdMutexes(nowhere, "/p", TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), 0, 1).LeaseTtl);
        var range = EtcdWorkerClient.RangeOver("/checker/r1/set/");
        Assert.Equal(("/checker/r1/set/", "/checker/r1/set0"), (range.Key.ToStringUtf8(), range.RangeEnd.ToStringUtf8()));
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
        Assert.Equal("not sent: Unavailable: Error connecting to subchannel. (Connection refused)", EtcdOutcomes.ForMutation(refused).Error);
        // A pick failure is never sent, whatever connect error the subchannel last had: here a member that reset it while dying.
        var resetWhileConnecting = new RpcException(new Status(StatusCode.Unavailable, EtcdOutcomes.SubchannelConnectFailure,
            new SocketException((int)SocketError.ConnectionReset)));
        Assert.Equal(OpType.Fail, EtcdOutcomes.ForMutation(resetWhileConnecting).Type);
        var connectTimedOut = new RpcException(new Status(StatusCode.Unavailable, EtcdOutcomes.SubchannelConnectFailure,
            new TimeoutException("A connection could not be established within the configured ConnectTimeout.")));
        Assert.Equal(OpType.Fail, EtcdOutcomes.ForMutation(connectTimedOut).Type);

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
