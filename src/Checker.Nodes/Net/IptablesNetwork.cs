using System.Globalization;
using System.Text;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Nodes.Net;

/// <summary>Runs argv on a node (over SSH, `ip netns exec`, or in a container) and returns what it did.</summary>
internal delegate Task<CommandResult> NodeCommand(Node node, IReadOnlyList<string> argv, CancellationToken ct);

/// <summary>
/// Faults as the kernel makes them, the way Jepsen does: iptables rules and tc qdiscs on each node.
///
/// A grudge "B refuses A" is a rule on B's INPUT for packets from A's address. Drop is REJECT with a
/// TCP reset (connects are refused; an established connection is reset when a packet crosses the
/// cut), blackhole is DROP (connects time out; established connections retransmit). A one-way cut
/// of A→B thus also drops B's view of A's ACKs: whatever B sends to A arrives once, but B never hears
/// that it did, so B stalls after one window, as a real one-way loss would make it.
///
/// Rules live only in Checker's own chain CHECKER-IN, jumped to from the top of INPUT; the host's
/// own rules are never touched. Each fault replaces the chain's contents in one iptables-restore
/// transaction, heal flushes it, and dispose removes the chain and the jump. Only traffic between
/// nodes is cut: the rules name node addresses, so the runner's clients always get through.
///
/// Bandwidth and delay are an HTB qdisc (handle c4ec:) on the interface that leads to the other
/// nodes, whose class c4ec:2 takes only packets to other nodes (u32 filters) and carries a netem
/// leaf for delay. Abilities says which of these the node's kernel has (probed at creation).
///
/// A stalled link is a DROP rule with the connbytes match: once a connection has carried the given
/// bytes, what one side sends on it vanishes, resets and closes included, while both kernels keep the
/// connection established. It needs conntrack accounting, turned on at creation where the kernel allows
/// (net.netfilter.nf_conntrack_acct, a per-namespace setting; on a shared host it is restored at dispose),
/// and conntrack watching every connection from its first packet: the chain's first rule, a conntrack
/// match with no target, keeps the namespace's connection tracking on for as long as the chain lives.
/// </summary>
internal sealed class IptablesNetwork : INetwork
{
    /// <summary>iptables and tc on the provider's nodes, through their shell.</summary>
    public static async Task<INetwork> StartAsync(INodeProvider nodes, INodeShell shell, CancellationToken ct) =>
        await CreateAsync(nodes.Nodes, shell.ExecAsync, ct);

    public const string Chain = "CHECKER-IN";

    /// <summary>Matches every packet and does nothing: it only keeps conntrack (and so byte counts) on from the first
    /// packet.</summary>
    const string TrackRule = $"-A {Chain} -m conntrack --ctstate NEW,ESTABLISHED,RELATED,INVALID";
    const string Qdisc = "c4ec";
    readonly IReadOnlyList<Node> nodes;
    readonly NodeCommand run;
    readonly Dictionary<string, string?> devices; // node → interface toward its peers (null: none found)
    readonly HashSet<string> shaped = []; // nodes whose qdisc we replaced

    // node → nf_conntrack_acct before we turned it on (null: it was on)
    readonly Dictionary<string, string?> accounting;

    public string Kind => "iptables";
    public NetworkAbilities Abilities { get; }

    IptablesNetwork(
        IReadOnlyList<Node> nodes,
        NodeCommand run,
        Dictionary<string, string?> devices,
        Dictionary<string, string?> accounting,
        NetworkAbilities abilities
    )
    {
        this.nodes = nodes;
        this.run = run;
        this.devices = devices;
        this.accounting = accounting;
        Abilities = abilities;
    }

    /// <summary>Installs the chain and its jump on every node and probes what each kernel can do.</summary>
    public static async Task<IptablesNetwork> CreateAsync(
        IReadOnlyList<Node> nodes,
        NodeCommand run,
        CancellationToken ct
    )
    {
        var probes = await Task.WhenAll(nodes.Select(n => SetUpAsync(n, nodes, run, ct)));
        var abilities =
            NetworkAbilities.Drop | NetworkAbilities.Blackhole | NetworkAbilities.OneWay | NetworkAbilities.Loss;
        if (probes.All(p => p.Shaping))
            abilities |= NetworkAbilities.Bandwidth;
        if (probes.All(p => p.Shaping && p.Netem))
            abilities |= NetworkAbilities.Delay;
        if (probes.All(p => p.Stall))
            abilities |= NetworkAbilities.Stall;
        return new IptablesNetwork(
            nodes,
            run,
            nodes.Zip(probes).ToDictionary(x => x.First.Name, x => x.Second.Device),
            nodes.Zip(probes).ToDictionary(x => x.First.Name, x => x.Second.AccountingWas),
            abilities
        );
    }

    static async Task<(string? Device, bool Shaping, bool Netem, bool Stall, string? AccountingWas)> SetUpAsync(
        Node node,
        IReadOnlyList<Node> all,
        NodeCommand run,
        CancellationToken ct
    )
    {
        var peer = all.FirstOrDefault(n => n != node)?.Address ?? node.Address;
        // The probe builds the real shape on the interface with no filter, so no packet is delayed by it.
        var script = $"""
            iptables -w -N {Chain} 2>/dev/null
            iptables -w -C INPUT -j {Chain} 2>/dev/null || iptables -w -I INPUT 1 -j {Chain} || exit 3
            if iptables -w -A {Chain} -p tcp -m connbytes --connbytes 1: --connbytes-dir both \
                 --connbytes-mode bytes -j RETURN 2>/dev/null; then
              iptables -w -F {Chain}
              iptables -w {TrackRule} 2>/dev/null
              acct=$(sysctl -n net.netfilter.nf_conntrack_acct 2>/dev/null)
              [ "$acct" = 1 ] || sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null && echo "stall=yes acct=$acct"
            fi
            dev=$(ip -o route get {peer} | sed -n 's/.* dev \([^ ]*\).*/\1/p')
            echo "dev=$dev"
            [ -n "$dev" ] && [ "$dev" != lo ] || exit 0
            tc qdisc add dev "$dev" root handle {Qdisc}: htb default 1 2>/dev/null || exit 0
            tc class add dev "$dev" parent {Qdisc}: classid {Qdisc}:2 htb rate 1gbit 2>/dev/null &&
              tc filter add dev "$dev" parent {Qdisc}: protocol ip prio 1 \
                u32 match ip dst 0.0.0.0/32 flowid {Qdisc}:2 2>/dev/null &&
              echo shaping=yes
            tc qdisc add dev "$dev" parent {Qdisc}:2 handle {Qdisc}2: netem delay 1ms 2>/dev/null && echo netem=yes
            tc qdisc del dev "$dev" root
            exit 0
            """;
        var r = await run(node, ["sh", "-c", script], ct);
        if (r.ExitCode != 0)
            throw new InvalidOperationException(
                $"iptables on {node} ({node.Address}): cannot install chain {Chain}: {r.Output.Trim()}"
            );
        var lines = r.Output.Split('\n');
        var device = lines.FirstOrDefault(l => l.StartsWith("dev="))?[4..].Trim();
        var stall = lines.FirstOrDefault(l => l.StartsWith("stall=yes", StringComparison.Ordinal));
        var accountingWas =
            stall?[(stall.IndexOf("acct=", StringComparison.Ordinal) + 5)..].Trim() is { } was && was != "1"
                ? was
                : null;
        return (
            string.IsNullOrEmpty(device) ? null : device,
            r.Output.Contains("shaping=yes"),
            r.Output.Contains("netem=yes"),
            stall is not null,
            accountingWas
        );
    }

    public string PeerAddress(Node from, Node to) => to.Address;

    public Task PartitionAsync(Grudge grudge, PartitionMode mode, CancellationToken ct) =>
        ApplyAsync(
            node =>
                nodes
                    .Where(from => grudge.Blocks(from.Name, node.Name))
                    .SelectMany(from =>
                        mode == PartitionMode.Drop
                            ? new[]
                            {
                                // The resets the other side's REJECT sends back must get through, or a symmetric cut
                                // eats its own resets and connects time out instead of being refused.
                                $"-A {Chain} -s {from.Address}/32 -p tcp --tcp-flags RST RST -j RETURN",
                                $"-A {Chain} -s {from.Address}/32 -p tcp -j REJECT --reject-with tcp-reset",
                                $"-A {Chain} -s {from.Address}/32 -j DROP",
                            }
                            : new[] { $"-A {Chain} -s {from.Address}/32 -j DROP" }
                    ),
            null,
            ct
        );

    public Task LoseAsync(double probability, CancellationToken ct)
    {
        if (probability is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(probability), "a probability is between 0 and 1");
        var p = probability.ToString("0.######", CultureInfo.InvariantCulture);
        return ApplyAsync(
            node =>
                Peers(node)
                    .Select(from =>
                        $"-A {Chain} -s {from.Address}/32 -m statistic --mode random --probability {p} -j DROP"
                    ),
            null,
            ct
        );
    }

    public Task LimitBandwidthAsync(long bitsPerSecond, CancellationToken ct)
    {
        Require(NetworkAbilities.Bandwidth, "bandwidth limits need tc's htb qdisc and u32 filter");
        return ApplyAsync(_ => [], $"htb rate {bitsPerSecond}bit ceil {bitsPerSecond}bit", ct);
    }

    public Task SlowAsync(TimeSpan delay, TimeSpan jitter, CancellationToken ct)
    {
        Require(NetworkAbilities.Delay, "delay needs tc netem, which this kernel lacks");
        var netem = $"netem delay {(long)delay.TotalMicroseconds}us {(long)jitter.TotalMicroseconds}us";
        return ApplyAsync(_ => [], "htb rate 100gbit", ct, netem);
    }

    public Task StallAsync(string from, string to, long afterBytes, bool bothWays, CancellationToken ct)
    {
        Require(
            NetworkAbilities.Stall,
            "stalling a connection needs iptables' connbytes match and conntrack accounting"
        );
        var byName = nodes.ToDictionary(n => n.Name);
        string Silence(Node sender) =>
            $"-A {Chain} -s {sender.Address}/32 -p tcp -m connbytes --connbytes {afterBytes}: --connbytes-dir "
            + $"both --connbytes-mode bytes -j DROP";
        return ApplyAsync(
            node =>
                node.Name == to ? [Silence(byName[from])]
                : node.Name == from && bothWays ? [Silence(byName[to])]
                : [],
            null,
            ct
        );
    }

    public Task HealAsync(CancellationToken ct) => ApplyAsync(_ => [], null, ct);

    /// <summary>Removes the chain, its jump and any qdisc this network made, on every node.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(
            nodes.Select(async n =>
            {
                var script = new StringBuilder();
                script.AppendLine($"while iptables -w -D INPUT -j {Chain} 2>/dev/null; do :; done");
                script.AppendLine($"iptables -w -F {Chain} 2>/dev/null; iptables -w -X {Chain} 2>/dev/null");
                if (devices[n.Name] is { } dev)
                    script.AppendLine(RemoveQdisc(dev));
                if (accounting[n.Name] is { Length: > 0 } was)
                    script.AppendLine($"sysctl -qw net.netfilter.nf_conntrack_acct={was}");
                script.AppendLine("exit 0");
                try
                {
                    await run(n, ["sh", "-c", script.ToString()], CancellationToken.None);
                }
                catch (Exception) { } // an unreachable node keeps its chain; `checker clean` retries
            })
        );
    }

    /// <summary>A script that removes Checker's chain and qdisc from a host (for `checker clean`, which does not know
    /// the device).</summary>
    public static string CleanScript =>
        $"""
            while iptables -w -D INPUT -j {Chain} 2>/dev/null; do :; done
            iptables -w -F {Chain} 2>/dev/null; iptables -w -X {Chain} 2>/dev/null
            for dev in $(ls /sys/class/net); do
              tc qdisc show dev "$dev" root | grep -q 'htb {Qdisc}:' && tc qdisc del dev "$dev" root
            done
            exit 0
            """;

    void Require(NetworkAbilities ability, string why)
    {
        if (!Abilities.HasFlag(ability))
            throw new NotSupportedException($"the iptables network cannot apply {ability}: {why}");
    }

    IEnumerable<Node> Peers(Node node) => nodes.Where(n => n != node);

    static string RemoveQdisc(string dev) =>
        $"tc qdisc show dev {dev} root | grep -q 'htb {Qdisc}:' && tc qdisc del dev {dev} root";

    /// <summary>
    /// Puts exactly these rules (and this shaping of traffic to peers, or none) in force on every node,
    /// in parallel, one shell per node; whatever was in force before is gone.
    /// </summary>
    async Task ApplyAsync(
        Func<Node, IEnumerable<string>> rules,
        string? peerClass,
        CancellationToken ct,
        string? leaf = null
    )
    {
        var results = await Task.WhenAll(
            nodes.Select(async node =>
            {
                var script = new StringBuilder();
                // Declaring the chain in a --noflush restore empties it; the new rules go in in the same transaction.
                script
                    .AppendLine("iptables-restore -w 5 --noflush <<'EOF'")
                    .AppendLine("*filter")
                    .AppendLine($":{Chain} - [0:0]");
                if (Abilities.HasFlag(NetworkAbilities.Stall))
                    script.AppendLine(TrackRule);
                foreach (var r in rules(node))
                    script.AppendLine(r);
                script.AppendLine("COMMIT").AppendLine("EOF").AppendLine("[ $? = 0 ] || exit 3");
                var dev = devices[node.Name];
                var wasShaped = shaped.Contains(node.Name);
                if (dev is not null && (wasShaped || peerClass is not null))
                {
                    if (wasShaped)
                        script.AppendLine($"{RemoveQdisc(dev)}");
                    if (peerClass is not null)
                    {
                        script.AppendLine("set -e");
                        script.AppendLine($"tc qdisc add dev {dev} root handle {Qdisc}: htb default 1");
                        script.AppendLine($"tc class add dev {dev} parent {Qdisc}: classid {Qdisc}:2 {peerClass}");
                        foreach (var p in Peers(node))
                            script.AppendLine(
                                $"tc filter add dev {dev} parent {Qdisc}: protocol ip prio 1 u32 match ip dst "
                                    + $"{p.Address}/32 flowid {Qdisc}:2"
                            );
                        if (leaf is not null)
                            script.AppendLine($"tc qdisc add dev {dev} parent {Qdisc}:2 handle {Qdisc}2: {leaf}");
                    }
                }
                script.AppendLine("exit 0");
                return (node, result: await run(node, ["sh", "-c", script.ToString()], ct));
            })
        );
        lock (shaped)
        {
            shaped.Clear();
            if (peerClass is not null)
                foreach (var n in nodes)
                    if (devices[n.Name] is not null)
                        shaped.Add(n.Name);
        }
        var failed = results.Where(r => r.result.ExitCode != 0).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException(
                string.Join(
                    "; ",
                    failed.Select(f => $"iptables on {f.node} ({f.node.Address}): {f.result.Output.Trim()}")
                )
            );
    }
}
