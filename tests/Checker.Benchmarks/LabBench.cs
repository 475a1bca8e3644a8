using System.Diagnostics;
using Checker.Nodes.Hosts;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Nodes.Ssh;

using Checker.Nodes.Net;

namespace Checker.Benchmarks;

/// <summary>
/// The SSH lab and the iptables network (needs root): time to bring up and remove a lab of 3 and 5
/// hosts, to connect SSH nodes to it, and to apply and heal a partition on every node, both over
/// SSH and through `ip netns exec` (as netns-isolated local nodes would).
/// </summary>
public static class LabBench
{
    public static int Run()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("lab bench: needs root");
            return 5;
        }
        foreach (var size in (int[])[3, 5]) RunAsync(size).GetAwaiter().GetResult();
        return 0;
    }

    static async Task RunAsync(int size)
    {
        var ups = new List<double>();
        var downs = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var folder = Path.Combine(Path.GetTempPath(), $"checker-lab-bench-{Guid.NewGuid():N}");
            var clock = Stopwatch.StartNew();
            var lab = await SshLab.UpAsync(folder, size);
            ups.Add(clock.Elapsed.TotalMilliseconds);
            try
            {
                if (i == 0) await MeasureFaultsAsync(lab, size);
            }
            finally
            {
                clock.Restart();
                await SshLab.DownAsync(folder);
                downs.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        Console.Out.WriteLine($"lab of {size}: up {Summary(ups)}, down {Summary(downs)} (namespaces, bridge, keys, sshd listening)");
    }

    static async Task MeasureFaultsAsync(SshLab lab, int size)
    {
        var clock = Stopwatch.StartNew();
        await using var ssh = await SshNodeProvider.ConnectAsync(new SshOptions
        {
            Hosts = lab.Hosts.Select(h => h.Address).ToList(), PrivateKey = lab.PrivateKey, KnownHosts = lab.KnownHosts,
            NodesRoot = $"/tmp/checker-lab-bench-nodes-{Guid.NewGuid():N}",
        }, CancellationToken.None);
        Console.Out.WriteLine($"lab of {size}: SSH nodes connected (command sessions, node folders) in {clock.Elapsed.TotalMilliseconds:0} ms");

        var trips = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            clock.Restart();
            await ssh.ShellAsync(ssh.Nodes[0], "true", CancellationToken.None);
            trips.Add(clock.Elapsed.TotalMilliseconds);
        }
        Console.Out.WriteLine($"lab of {size}: one command over SSH ('true'): {Summary(trips)}");
        await MeasurePartitionAsync($"over SSH, {size} nodes", ssh.Nodes, ssh.Command);
        var spaces = lab.Hosts.ToDictionary(h => h.Address, h => NetNamespace.Named(h.Namespace));
        await MeasurePartitionAsync($"via ip netns exec, {size} nodes", ssh.Nodes,
            (node, argv, ct) => HostCommands.RunAsync(spaces[node.Address].Exec(argv), ct));
    }

    static async Task MeasurePartitionAsync(string label, IReadOnlyList<Node> nodes, NodeCommand run)
    {
        var net = await IptablesNetwork.CreateAsync(nodes, run, CancellationToken.None);
        var applies = new List<double>();
        var heals = new List<double>();
        var random = new Random(1);
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var grudge = Partitions.RandomHalves(nodes.Select(n => n.Name).ToList(), random);
                var clock = Stopwatch.StartNew();
                await net.PartitionAsync(grudge, i % 2 == 0 ? PartitionMode.Drop : PartitionMode.Blackhole, CancellationToken.None);
                applies.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                await net.HealAsync(CancellationToken.None);
                heals.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        finally { await net.DisposeAsync(); }
        Console.Out.WriteLine($"partition {label}: apply {Summary(applies)}, heal {Summary(heals)} (all nodes, in parallel)");
    }

    static string Summary(List<double> ms)
    {
        var sorted = ms.Order().ToList();
        return $"median {sorted[sorted.Count / 2]:0} ms, max {sorted[^1]:0} ms over {ms.Count}";
    }
}
