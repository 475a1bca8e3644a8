using System.Globalization;
using Checker.Nodes.Net;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Nodes.Hosts;

/// <summary>
/// A per-run Linux bridge joining network namespaces (netns nodes, the SSH lab's hosts, containers),
/// with every address in 127.0.0.0/8: host k is 127.S.1.k and the runner's side of the bridge is
/// 127.S.1.254, so the runner reaches the hosts and nothing leaves the machine.
///
/// Linux treats 127/8 as martian outside lo unless route_localnet=1, so it is set on the bridge, on
/// every bridge port and inside each namespace (all and eth0). A /24 route in the local table sends
/// 127.S.1.0/24 out through the bridge rather than to lo (lo's 127.0.0.0/8 route lives there too).
///
/// Everything is named PREFIX-… (interface names have at most 15 characters) and recorded in a
/// state file before it is made, so TeardownAsync or Clean after a SIGKILL removes exactly it.
/// </summary>
internal sealed class HostBridge : IAsyncDisposable
{
    const string BridgeNetfilter = "/proc/sys/net/bridge/bridge-nf-call-iptables";
    readonly string statePath;
    readonly HostsState state;
    readonly SemaphoreSlim gate = new(1, 1);
    readonly LoopbackSubnet claim;

    public string Prefix => state.Prefix;
    public int Subnet => state.Subnet;
    public string BridgeName => state.Bridge!;

    /// <summary>The runner's address on the bridge; hosts see the runner's connections come from it.</summary>
    public string RunnerAddress => $"127.{Subnet}.1.254";

    public string AddressOf(int k) => $"127.{Subnet}.1.{k}";

    /// <summary>The name of the namespace AddNamespaceAsync makes for host k.</summary>
    public string NamespaceName(int k) => $"{Prefix}-n{k}";

    HostBridge(string statePath, HostsState state, LoopbackSubnet claim)
    {
        this.statePath = statePath;
        this.state = state;
        this.claim = claim;
    }

    /// <summary>A short prefix for everything one run makes: "ck" and four hex digits.</summary>
    public static string NewPrefix() => "ck" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);

    /// <summary>Makes the bridge and records it in statePath. Needs root.</summary>
    public static async Task<HostBridge> CreateAsync(
        string statePath,
        string? prefix = null,
        CancellationToken ct = default
    )
    {
        if (!Environment.IsPrivilegedProcess)
            throw new HostCommandException("namespaces and bridges need root");
        prefix ??= NewPrefix();
        var claim = await ClaimSubnetAsync(ct);
        var state = new HostsState
        {
            Prefix = prefix,
            Subnet = claim.Octet,
            Bridge = $"{prefix}-br",
        };
        if (Directory.Exists($"/sys/class/net/{state.Bridge}"))
        {
            // Another run's or lab's: its names are its own, so nothing of it may be touched, nor torn down here.
            claim.Dispose();
            throw new HostCommandException($"bridge {state.Bridge} already exists: another run or lab uses {prefix}");
        }
        var bridge = new HostBridge(statePath, state, claim);
        state.Save(statePath);
        try
        {
            var br = state.Bridge;
            await HostCommands.MustAsync(["ip", "link", "add", br, "type", "bridge"], ct);
            SetRouteLocalnet(br);
            await HostCommands.MustAsync(
                ["ip", "-b", "-"],
                ct,
                stdin: $"""
                addr add {bridge.RunnerAddress}/24 dev {br}
                link set {br} up
                route replace table local 127.{state.Subnet}.1.0/24 dev {br} src {bridge.RunnerAddress}

                """
            );
            if (await NeedsForwardRuleAsync(ct))
            {
                state.ForwardRule = true;
                state.Save(statePath);
                await HostCommands.MustAsync(["iptables", "-w", "-I", "FORWARD", .. ForwardRule(prefix, br)], ct);
            }
            return bridge;
        }
        catch
        {
            await bridge.TeardownAsync();
            throw;
        }
    }

    /// <summary>Makes namespace PREFIX-nK (lo up) and wires it in as host k; returns it.</summary>
    public async Task<NetNamespace> AddNamespaceAsync(int k, CancellationToken ct = default)
    {
        var name = NamespaceName(k);
        await Record(s => s.Namespaces.Add(name));
        await HostCommands.MustAsync(["ip", "netns", "add", name], ct);
        var ns = NetNamespace.Named(name);
        await AttachAsync(ns, k, ct);
        return ns;
    }

    /// <summary>
    /// Joins a namespace to the bridge as host k (address 127.S.1.k on its eth0): a veth pair whose
    /// host end PREFIX-hK is a bridge port and whose other end moves into the namespace. Works for a
    /// named namespace and for a container's (by pid).
    /// </summary>
    public async Task<string> AttachAsync(
        NetNamespace ns,
        int k,
        CancellationToken ct = default,
        string device = "eth0"
    )
    {
        var hostEnd = $"{Prefix}-h{k}";
        var peerEnd = $"{Prefix}-p{k}"; // its name until it is inside the namespace and renamed
        await Record(s => s.Veths.Add(hostEnd));
        await HostCommands.MustAsync(["ip", "link", "add", hostEnd, "type", "veth", "peer", "name", peerEnd], ct);
        SetRouteLocalnet(hostEnd);
        await HostCommands.MustAsync(
            ["ip", "-b", "-"],
            ct,
            stdin: $"""
            link set {peerEnd} netns {ns.LinkTarget}
            link set {hostEnd} master {BridgeName} up

            """
        );
        var address = AddressOf(k);
        var script = $"""
            set -e
            ip link set lo up
            sysctl -qw net.ipv4.conf.all.route_localnet=1
            ip link set {peerEnd} name {device}
            sysctl -qw net.ipv4.conf.{device}.route_localnet=1
            ip addr add {address}/24 dev {device}
            ip link set {device} up
            ip route replace table local 127.{Subnet}.1.0/24 dev {device} src {address}
            """;
        await HostCommands.MustAsync(ns.Exec(["sh", "-c", script]), ct);
        return address;
    }

    /// <summary>Remembers a daemon's pid file so teardown and Clean stop it.</summary>
    public Task RecordPidFileAsync(string pidFile) => Record(s => s.PidFiles.Add(pidFile));

    async Task Record(Action<HostsState> change)
    {
        await gate.WaitAsync();
        try
        {
            change(state);
            state.Save(statePath);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes everything this bridge made; safe to call twice.</summary>
    public async Task TeardownAsync()
    {
        await gate.WaitAsync();
        try
        {
            await RemoveAsync(state);
            File.Delete(statePath);
            claim.Dispose();
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync() => new(TeardownAsync());

    /// <summary>Removes what a state file records (a run or lab whose owner is gone); returns what it did.</summary>
    public static async Task<IReadOnlyList<string>> CleanAsync(string statePath)
    {
        if (!File.Exists(statePath))
            return [];
        var done = await RemoveAsync(HostsState.Load(statePath));
        File.Delete(statePath);
        return done;
    }

    /// <summary>Removes whatever carries the prefix, for when the state file itself is lost.</summary>
    public static async Task<IReadOnlyList<string>> CleanPrefixAsync(string prefix)
    {
        var dash = prefix + "-";
        var namespaces = (await HostCommands.RunAsync(["ip", "netns", "list"]))
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0])
            .Where(n => n.StartsWith(dash))
            .ToList();
        var links = (await HostCommands.RunAsync(["ip", "-o", "link", "show"]))
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':')[1].Trim().Split('@')[0])
            .Where(n => n.StartsWith(dash))
            .ToList();
        var forward = (await HostCommands.RunAsync(["iptables", "-w", "-S", "FORWARD"])).Output.Contains(
            $"checker:{prefix}"
        );
        return await RemoveAsync(
            new HostsState
            {
                Prefix = prefix,
                Bridge = $"{prefix}-br", // named even if gone, so that a FORWARD rule that outlived it is found
                ForwardRule = forward,
                Namespaces = namespaces,
                Veths = links.Where(l => l != $"{prefix}-br").ToList(),
            }
        );
    }

    static async Task<List<string>> RemoveAsync(HostsState s)
    {
        var done = new List<string>();
        foreach (var pidFile in s.PidFiles)
            if (KillFromPidFile(pidFile) is { } pid)
                done.Add($"killed pid {pid} ({pidFile})");
        foreach (var ns in s.Namespaces)
        {
            // Anything still running in a namespace this run made is this run's (sshd, its sessions, servers).
            var pids = await HostCommands.RunAsync(["ip", "netns", "pids", ns]);
            if (pids.ExitCode != 0)
                continue; // already gone
            foreach (var line in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(line, out var pid) && Posix.Signal(pid, (int)NodeSignal.Kill))
                    done.Add($"killed pid {pid} in {ns}");
            if ((await HostCommands.RunAsync(["ip", "netns", "del", ns])).ExitCode == 0)
                done.Add($"deleted namespace {ns}");
        }
        // Deleting a namespace removes its veth ends asynchronously; removing the host ends here makes it certain.
        foreach (var veth in s.Veths)
            if ((await HostCommands.RunAsync(["ip", "link", "del", veth])).ExitCode == 0)
                done.Add($"deleted veth {veth}");
        if (s.Bridge is { } br)
        {
            if ((await HostCommands.RunAsync(["ip", "link", "del", br])).ExitCode == 0)
                done.Add($"deleted bridge {br}");
            if (s.ForwardRule)
                while (
                    (
                        await HostCommands.RunAsync(["iptables", "-w", "-D", "FORWARD", .. ForwardRule(s.Prefix, br)])
                    ).ExitCode == 0
                )
                    done.Add($"removed FORWARD rule for {br}");
        }
        return done;
    }

    static int? KillFromPidFile(string pidFile)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                return null;
            // Only if that pid still runs the command that wrote the file, not a reuse of the number.
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            if (!cmdline.Contains(Path.GetDirectoryName(pidFile)!))
                return null;
            return Posix.Signal(pid, (int)NodeSignal.Kill) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    static string[] ForwardRule(string prefix, string bridge) =>
        ["-i", bridge, "-o", bridge, "-m", "comment", "--comment", $"checker:{prefix}", "-j", "ACCEPT"];

    /// <summary>
    /// Bridged frames cross the host's FORWARD chain when bridge netfilter is on; they must be accepted
    /// there if that chain drops by default (as dockerd leaves it). The policy itself is never changed.
    /// </summary>
    static async Task<bool> NeedsForwardRuleAsync(CancellationToken ct)
    {
        if (File.Exists(BridgeNetfilter) && File.ReadAllText(BridgeNetfilter).Trim() == "1")
            return true;
        var rules = await HostCommands.RunAsync(["iptables", "-w", "-S", "FORWARD"], ct);
        return rules.Output.Contains("-P FORWARD DROP");
    }

    static void SetRouteLocalnet(string device) =>
        File.WriteAllText($"/proc/sys/net/ipv4/conf/{device}/route_localnet", "1");

    /// <summary>A second octet S claimed for this bridge, with no 127.S.* on any interface or in any route.</summary>
    static async Task<LoopbackSubnet> ClaimSubnetAsync(CancellationToken ct)
    {
        var seen =
            (await HostCommands.MustAsync(["ip", "-4", "-o", "addr", "show"], ct))
            + (await HostCommands.MustAsync(["ip", "route", "show", "table", "all"], ct));
        try
        {
            return LoopbackSubnet.Claim(s => !seen.Contains($"127.{s}.", StringComparison.Ordinal));
        }
        catch (InvalidOperationException e)
        {
            throw new HostCommandException(e.Message);
        }
    }
}
