using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Checker.Nodes.Hosts;

using Checker.Tests;

using Checker.Runner.Nodes;

namespace Checker.Nodes.Tests.Hosts;

/// <summary>The namespace-and-bridge code, with real namespaces, veths and sockets (needs root).</summary>
[Trait("Tier", "Slow")]
public class HostBridgeTests
{
    static string TempState() => Path.Combine(Path.GetTempPath(), $"checker-hosts-{Guid.NewGuid():N}.json");

    static async Task<string> Leftovers(string prefix)
    {
        var ns = (await HostCommands.RunAsync(["ip", "netns", "list"])).Output;
        var links = (await HostCommands.RunAsync(["ip", "-o", "link", "show"])).Output;
        var forward = (await HostCommands.RunAsync(["iptables", "-w", "-S", "FORWARD"])).Output;
        return string.Join("\n", (ns + links + forward).Split('\n').Where(l => l.Contains(prefix)));
    }

    /// <summary>The host's FORWARD chain less the rules of bridges (this test's or others running alongside).</summary>
    static async Task<string> ForeignForwardRules() =>
        string.Join("\n", (await HostCommands.RunAsync(["iptables", "-w", "-S", "FORWARD"])).Output.Split('\n').Where(l => !l.Contains("checker:ck")));

    [NeedsFact(Needs.Root)]
    public async Task A_second_bridge_with_a_prefix_in_use_is_refused_and_leaves_the_first_as_it_was()
    {
        var first = await HostBridge.CreateAsync(TempState());
        try
        {
            await first.AddNamespaceAsync(1);
            var secondState = TempState();
            var e = await Assert.ThrowsAsync<HostCommandException>(() => HostBridge.CreateAsync(secondState, first.Prefix));
            Assert.Contains("already exists", e.Message);
            Assert.False(File.Exists(secondState));
            // The first run's bridge, address and namespace are untouched.
            var links = (await HostCommands.RunAsync(["ip", "-o", "addr", "show", $"{first.Prefix}-br"])).Output;
            Assert.Contains($"{first.RunnerAddress}/24", links);
            Assert.Contains($"{first.Prefix}-n1", (await HostCommands.RunAsync(["ip", "netns", "list"])).Output);
        }
        finally
        {
            await first.TeardownAsync();
        }
        Assert.Equal("", await Leftovers(first.Prefix));
    }

    [NeedsFact(Needs.Root)]
    public async Task Hosts_reach_each_other_and_the_runner_reaches_them_over_loopback_addresses()
    {
        var forwardBefore = await ForeignForwardRules();
        var bridge = await HostBridge.CreateAsync(TempState());
        try
        {
            var n1 = await bridge.AddNamespaceAsync(1);
            var n2 = await bridge.AddNamespaceAsync(2);
            Assert.StartsWith("127.", bridge.AddressOf(1));
            using var listener = NetnsSockets.Listen(n2, bridge.AddressOf(2), 7000);

            var (fromPeer, peerConnect) = NetnsSockets.Connect(n1, bridge.AddressOf(2), 7000);
            using (fromPeer) await peerConnect.WaitAsync(TimeSpan.FromSeconds(30));
            using var fromPeerAccepted = await listener.AcceptAsync();
            Assert.Equal(bridge.AddressOf(1), ((IPEndPoint)fromPeerAccepted.RemoteEndPoint!).Address.ToString());

            using var fromRunner = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await fromRunner.ConnectAsync(IPAddress.Parse(bridge.AddressOf(2)), 7000).WaitAsync(TimeSpan.FromSeconds(30));
            using var fromRunnerAccepted = await listener.AcceptAsync();
            Assert.Equal(bridge.RunnerAddress, ((IPEndPoint)fromRunnerAccepted.RemoteEndPoint!).Address.ToString());

            // The bridge's subnet is not the host's lo: nothing on this machine's lo answers there.
            var sysctl = await HostCommands.MustAsync(n1.Exec(["sysctl", "-n", "net.ipv4.conf.all.route_localnet", "net.ipv4.conf.eth0.route_localnet"]));
            Assert.Equal("1\n1\n", sysctl);
        }
        finally
        {
            await bridge.TeardownAsync();
        }
        Assert.Equal("", await Leftovers(bridge.Prefix));
        Assert.Equal(forwardBefore, await ForeignForwardRules());
    }

    [NeedsFact(Needs.Root)]
    public async Task Clean_from_the_state_file_removes_everything_a_killed_owner_left_including_its_processes()
    {
        var state = TempState();
        var bridge = await HostBridge.CreateAsync(state);
        var ns = await bridge.AddNamespaceAsync(1);
        await bridge.AddNamespaceAsync(2);
        // A daemon left running in the namespace, as a killed runner would leave it.
        var daemon = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns.Name!, "setsid", "sleep", "300"]))!;
        var pids = ""; // until `ip netns exec` has entered the namespace, however slowly
        for (var i = 0; i < 100 && pids == ""; i++)
        {
            if (i > 0) await Task.Delay(100);
            pids = (await HostCommands.RunAsync(["ip", "netns", "pids", ns.Name!])).Output.Trim();
        }
        Assert.NotEqual("", pids);

        // The owner vanishes without teardown; only the state file is left to go by.
        var done = await HostBridge.CleanAsync(state);
        Assert.Contains(done, d => d.StartsWith("deleted bridge"));
        Assert.Equal("", await Leftovers(bridge.Prefix));
        Assert.False(File.Exists(state));
        Assert.True(daemon.WaitForExit(10_000));
        Assert.Empty(await HostBridge.CleanAsync(state)); // idempotent
    }

    [NeedsFact(Needs.Root)]
    public async Task Clean_by_prefix_finds_what_a_run_made_when_its_state_file_is_lost()
    {
        var state = TempState();
        var bridge = await HostBridge.CreateAsync(state);
        await bridge.AddNamespaceAsync(1);
        await bridge.AddNamespaceAsync(2);
        File.Delete(state);
        Assert.NotEqual("", await Leftovers(bridge.Prefix));

        var done = await HostBridge.CleanPrefixAsync(bridge.Prefix);
        Assert.Contains(done, d => d == $"deleted namespace {bridge.Prefix}-n2");
        Assert.Equal("", await Leftovers(bridge.Prefix));
    }

    [NeedsFact(Needs.Root)]
    public async Task A_process_namespace_is_attached_by_pid_as_a_container_would_be()
    {
        var bridge = await HostBridge.CreateAsync(TempState());
        // unshare -n: a process in a fresh network namespace of its own, with no name, like a container's init.
        using var holder = Process.Start(new ProcessStartInfo("unshare", ["-n", "sleep", "300"]))!;
        try
        {
            string nsLink = "";
            for (var i = 0; i < 100 && (nsLink == "" || nsLink == File.ResolveLinkTarget("/proc/self/ns/net", false)?.ToString()); i++)
            {
                await Task.Delay(20);
                nsLink = File.ResolveLinkTarget($"/proc/{holder.Id}/ns/net", false)?.ToString() ?? "";
            }
            var ns = NetNamespace.OfProcess(holder.Id);
            var address = await bridge.AttachAsync(ns, 3);
            using var listener = NetnsSockets.Listen(ns, address, 7001);
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Parse(address), 7001).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            holder.Kill();
            await bridge.TeardownAsync();
        }
        Assert.Equal("", await Leftovers(bridge.Prefix));
    }
}
