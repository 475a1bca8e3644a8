using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Checker.Nodes.Hosts;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Xunit.Abstractions;

using Checker.Tests;

using Checker.Nodes.Net;

namespace Checker.Nodes.Tests.Hosts;

/// <summary>The iptables network on three namespaces joined by a bridge, checked with real sockets.</summary>
[Trait("Tier", "Slow")]
public sealed class IptablesNetworkTests(ITestOutputHelper output) : IAsyncLifetime
{
    HostBridge bridge = null!;
    readonly List<NetNamespace> spaces = [];
    List<Node> nodes = [];
    IptablesNetwork net = null!;

    public async Task InitializeAsync()
    {
        bridge = await HostBridge.CreateAsync(Path.Combine(Path.GetTempPath(), $"checker-hosts-{Guid.NewGuid():N}.json"));
        for (var k = 1; k <= 3; k++) spaces.Add(await bridge.AddNamespaceAsync(k));
        nodes = Enumerable.Range(1, 3).Select(k => new Node($"n{k}", k, bridge.AddressOf(k), "/tmp")).ToList();
        net = await IptablesNetwork.CreateAsync(nodes, Run, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await net.DisposeAsync();
        await bridge.TeardownAsync();
    }

    Task<CommandResult> Run(Node node, IReadOnlyList<string> argv, CancellationToken ct) => HostCommands.RunAsync(Ns(node).Exec(argv), ct);

    NetNamespace Ns(Node n) => spaces[n.Id - 1];
    Node N(int k) => nodes[k - 1];

    Socket Listen(int k, int port) => NetnsSockets.Listen(Ns(N(k)), N(k).Address, port);

    /// <summary>Connects from node `from` to node `to`; the task faults or completes as the kernel decides.</summary>
    (Socket, Task) Connect(int from, int to, int port) => NetnsSockets.Connect(Ns(N(from)), N(to).Address, port);

    [NeedsFact(Needs.Root)]
    public async Task Drop_refuses_connects_between_cut_nodes_but_not_from_the_runner_and_heal_restores()
    {
        using var listener = Listen(2, 7100);
        await net.PartitionAsync(Grudge.Between(["n1"], ["n2"]), PartitionMode.Drop, CancellationToken.None);

        var (s, connect) = Connect(1, 2, 7100);
        using (s)
        {
            var e = await Assert.ThrowsAnyAsync<SocketException>(() => connect.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }
        var (s3, fromN3) = Connect(3, 2, 7100); // n3 is not in the grudge
        using (s3) await fromN3.WaitAsync(TimeSpan.FromSeconds(30));
        using (var runner = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            await runner.ConnectAsync(IPAddress.Parse(N(2).Address), 7100).WaitAsync(TimeSpan.FromSeconds(30));

        await net.HealAsync(CancellationToken.None);
        var (s4, healed) = Connect(1, 2, 7100);
        using (s4) await healed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [NeedsFact(Needs.Root)]
    public async Task Blackhole_leaves_a_new_connect_unanswered_until_heal()
    {
        using var listener = Listen(2, 7101);
        await net.PartitionAsync(Grudge.Between(["n1"], ["n2"]), PartitionMode.Blackhole, CancellationToken.None);

        var (s, connect) = Connect(1, 2, 7101);
        using (s)
        {
            // A SYN that is dropped gets no answer of any kind: the connect neither completes nor fails.
            await Task.WhenAny(connect, Task.Delay(1500));
            Assert.False(connect.IsCompleted);
        }
        await net.HealAsync(CancellationToken.None);
        var (s2, healed) = Connect(1, 2, 7101);
        using (s2) await healed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [NeedsFact(Needs.Root)]
    public async Task Drop_resets_an_established_connection_when_a_packet_crosses_the_cut()
    {
        using var listener = Listen(2, 7105);
        var (client, server) = await Pair(listener);
        using var clientOwner = client;
        using var serverOwner = server;
        await net.PartitionAsync(Grudge.Between(["n1"], ["n2"]), PartitionMode.Drop, CancellationToken.None);
        await client.SendAsync(new byte[10], SocketFlags.None); // crosses the cut: n2 answers with a reset
        var e = await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true) await client.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token);
        });
        Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        Assert.Equal(0, server.Available); // the data never reached n2's socket
    }

    [NeedsFact(Needs.Root)]
    public async Task Blackhole_holds_an_established_connection_which_resumes_by_retransmission_after_heal()
    {
        using var listener = Listen(2, 7106);
        var (client, server) = await Pair(listener);
        using var clientOwner = client;
        using var serverOwner = server;
        await net.PartitionAsync(Grudge.Between(["n1"], ["n2"]), PartitionMode.Blackhole, CancellationToken.None);
        await client.SendAsync(new byte[100], SocketFlags.None);
        await Task.Delay(1500);
        Assert.Equal(0, server.Available); // held, not delivered, not reset
        await net.HealAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        Assert.Equal(100, await ReceiveAsync(server, 100, TimeSpan.FromSeconds(60)));
        output.WriteLine($"blackhole of 1.5 s: data arrived {clock.Elapsed.TotalSeconds:0.00} s after heal (the sender's retransmit timer)");
    }

    [NeedsFact(Needs.Root)]
    public async Task One_way_cut_stops_the_acks_so_the_uncut_direction_stalls_after_one_window()
    {
        using var listener = Listen(2, 7102);
        var chunk = new byte[4 << 20];

        // Uncut, n2 → n1 carries a whole 4 MB.
        var (baseline, baselineServer) = await Pair(listener);
        using (baseline) using (baselineServer)
        {
            var sending = baselineServer.SendAsync(chunk, SocketFlags.None);
            Assert.Equal(chunk.Length, await ReceiveAsync(baseline, chunk.Length, TimeSpan.FromSeconds(60)));
            await sending;
        }

        var (client, server) = await Pair(listener);
        using var clientOwner = client;
        using var serverOwner = server;
        // n2 refuses n1: packets from n1, its data and its ACKs alike, die at n2's INPUT.
        await net.PartitionAsync(new Grudge().Refuse("n2", "n1"), PartitionMode.Blackhole, CancellationToken.None);
        await client.SendAsync(new byte[1000], SocketFlags.None);
        _ = server.SendAsync(chunk, SocketFlags.None); // the direction that is not cut
        var received = await ReceiveAsync(client, chunk.Length, TimeSpan.FromSeconds(3));
        output.WriteLine($"one-way cut: {received} bytes crossed the uncut direction in 3 s");

        // Without ACKs n2 sends one congestion window (10 segments on a new connection) and then only retransmits.
        Assert.InRange(received, 0, 256 << 10);
        Assert.Equal(0, server.Available);
    }

    [NeedsFact(Needs.Root)]
    public async Task A_stalled_link_carries_a_connections_first_bytes_then_nothing_while_it_stays_established()
    {
        Assert.True(net.Abilities.HasFlag(NetworkAbilities.Stall));
        using var listener = Listen(2, 7107);
        await net.StallAsync("n1", "n2", 64 << 10, bothWays: false, CancellationToken.None);
        var (client, server) = await Pair(listener); // the handshake passes: it is far below the bytes allowed
        using var clientOwner = client;
        using var serverOwner = server;

        _ = client.SendAsync(new byte[1 << 20], SocketFlags.None);
        var received = await ReceiveAsync(server, 1 << 20, TimeSpan.FromSeconds(3));
        output.WriteLine($"stall after 64 KiB: {received} bytes crossed");
        Assert.InRange(received, 32 << 10, 64 << 10);
        // Both kernels still hold the connection open: the sender is not reset, it just cannot get through.
        var port = ((IPEndPoint)client.LocalEndPoint!).Port;
        Assert.Contains($":{port}", (await Run(N(1), ["ss", "-Htn", "state", "established"], default)).Output);
        Assert.Contains($":{port}", (await Run(N(2), ["ss", "-Htn", "state", "established"], default)).Output);
        // The other direction still flows, and a new connection opens and carries a little.
        await server.SendAsync(new byte[1000], SocketFlags.None);
        Assert.Equal(1000, await ReceiveAsync(client, 1000, TimeSpan.FromSeconds(30)));
        var (fresh, freshServer) = await Pair(listener);
        using (fresh) using (freshServer)
        {
            await fresh.SendAsync(new byte[100], SocketFlags.None);
            Assert.Equal(100, await ReceiveAsync(freshServer, 100, TimeSpan.FromSeconds(30)));
        }

        await net.HealAsync(CancellationToken.None);
        Assert.Equal((1 << 20) - received, await ReceiveAsync(server, (1 << 20) - received, TimeSpan.FromSeconds(120))); // retransmitted
    }

    [NeedsFact(Needs.Root)]
    public async Task A_half_open_link_never_tells_the_writer_that_the_other_side_closed()
    {
        using var listener = Listen(2, 7108);
        var (client, server) = await Pair(listener);
        using var clientOwner = client;
        using var serverOwner = server;
        _ = server.SendAsync(new byte[128 << 10], SocketFlags.None);
        Assert.Equal(128 << 10, await ReceiveAsync(client, 128 << 10, TimeSpan.FromSeconds(30))); // past the bytes allowed
        await net.StallAsync("n1", "n2", 64 << 10, bothWays: true, CancellationToken.None);

        server.Close(); // n2 gives up on the connection: its FIN never reaches n1
        await Task.Delay(1000);
        var port = ((IPEndPoint)client.LocalEndPoint!).Port;
        Assert.Contains($":{port}", (await Run(N(1), ["ss", "-Htn", "state", "established"], default)).Output);
        for (var i = 0; i < 4; i++) await client.SendAsync(new byte[1000], SocketFlags.None); // writes into a connection n2 forgot
        Assert.Equal(0, client.Available);

        // Healed, n1's retransmission reaches n2, whose kernel no longer knows the connection: a reset.
        await net.HealAsync(CancellationToken.None);
        var e = await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (true)
            {
                await client.SendAsync(new byte[10], SocketFlags.None, cts.Token);
                if (await client.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token) == 0) throw new SocketException((int)SocketError.Disconnecting);
            }
        });
        output.WriteLine($"after the heal: {e.SocketErrorCode}");
    }

    async Task<(Socket Client, Socket Server)> Pair(Socket listener)
    {
        var (client, connect) = Connect(1, 2, ((IPEndPoint)listener.LocalEndPoint!).Port);
        await connect.WaitAsync(TimeSpan.FromSeconds(30));
        return (client, await listener.AcceptAsync());
    }

    static async Task<int> ReceiveAsync(Socket s, int want, TimeSpan within)
    {
        var buffer = new byte[64 << 10];
        var got = 0;
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (got < want)
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0) break;
                got += n;
            }
        }
        catch (OperationCanceledException) { }
        return got;
    }

    [NeedsFact(Needs.Root)]
    public async Task Total_loss_stops_connects_and_the_rule_names_the_probability()
    {
        using var listener = Listen(3, 7103);
        await net.LoseAsync(1.0, CancellationToken.None);
        var (s, connect) = Connect(1, 3, 7103);
        using (s)
        {
            await Task.WhenAny(connect, Task.Delay(1500));
            Assert.False(connect.IsCompleted);
        }
        await net.LoseAsync(0.25, CancellationToken.None);
        var rules = (await Run(N(3), ["iptables", "-w", "-S", IptablesNetwork.Chain], default)).Output;
        Assert.Contains("--probability 0.25", rules);
        Assert.Contains($"-s {N(1).Address}/32", rules);
        Assert.DoesNotContain("--probability 1", rules); // each call replaces the fault before it
    }

    [NeedsFact(Needs.Root)]
    public async Task Bandwidth_limit_slows_traffic_between_nodes()
    {
        Assert.True(net.Abilities.HasFlag(NetworkAbilities.Bandwidth));
        using var listener = Listen(2, 7104);
        await net.LimitBandwidthAsync(4_000_000, CancellationToken.None);
        var (client, connect) = Connect(1, 2, 7104);
        using var clientOwner = client;
        await connect.WaitAsync(TimeSpan.FromSeconds(30));
        using var server = await listener.AcceptAsync();

        // 1 MB at 4 Mbit/s takes at least about 2 s, however fast the machine is.
        var clock = Stopwatch.StartNew();
        var sending = client.SendAsync(new byte[1 << 20], SocketFlags.None);
        Assert.Equal(1 << 20, await ReceiveAsync(server, 1 << 20, TimeSpan.FromSeconds(60)));
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1.5), $"1 MB took {clock.Elapsed}");
        await sending;
    }

    [NeedsFact(Needs.Root)]
    public async Task Delay_is_offered_only_where_tc_netem_works()
    {
        var probe = await HostCommands.RunAsync(Ns(N(1)).Exec(["tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", "1ms"]));
        if (probe.ExitCode == 0) await HostCommands.RunAsync(Ns(N(1)).Exec(["tc", "qdisc", "del", "dev", "eth0", "root"]));
        Assert.Equal(probe.ExitCode == 0, net.Abilities.HasFlag(NetworkAbilities.Delay));
        if (probe.ExitCode != 0)
            await Assert.ThrowsAsync<NotSupportedException>(() => net.SlowAsync(TimeSpan.FromMilliseconds(50), TimeSpan.Zero, CancellationToken.None));
    }

    [NeedsFact(Needs.Root)]
    public async Task Dispose_leaves_no_chain_jump_or_qdisc_and_other_rules_untouched()
    {
        // A rule of the host's own, which Checker must leave alone.
        await Run(N(1), ["iptables", "-w", "-A", "INPUT", "-s", "10.9.9.9/32", "-j", "DROP"], default);
        await net.PartitionAsync(Grudge.Between(["n1"], ["n2", "n3"]), PartitionMode.Drop, CancellationToken.None);
        await net.LimitBandwidthAsync(10_000_000, CancellationToken.None);
        await net.DisposeAsync();
        foreach (var n in nodes)
        {
            var rules = (await Run(n, ["iptables", "-w", "-S"], default)).Output;
            Assert.DoesNotContain("CHECKER", rules);
            Assert.DoesNotContain("c4ec", (await Run(n, ["tc", "qdisc", "show", "dev", "eth0"], default)).Output);
        }
        Assert.Contains("-A INPUT -s 10.9.9.9/32 -j DROP", (await Run(N(1), ["iptables", "-w", "-S"], default)).Output);
    }
}
