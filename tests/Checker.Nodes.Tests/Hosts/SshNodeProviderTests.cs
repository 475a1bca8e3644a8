using Checker.Nodes.Hosts;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Nodes.Ssh;

using Checker.Tests;

using Checker.Nodes.Net;

namespace Checker.Nodes.Tests.Hosts;

/// <summary>One SSH lab of three hosts for the tests of a class; removed at the end.</summary>
public sealed class LabFixture : IAsyncLifetime
{
    public SshLab Lab { get; private set; } = null!;
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"checker-lab-{Guid.NewGuid():N}");

    public async Task InitializeAsync() => Lab = await SshLab.UpAsync(Folder, 3);
    public async Task DisposeAsync() => await SshLab.DownAsync(Folder);

    internal SshOptions Options(string? nodesRoot = null) => new()
    {
        Hosts = Lab.Hosts.Select(h => h.Address).ToList(),
        PrivateKey = Lab.PrivateKey,
        KnownHosts = Lab.KnownHosts,
        ConnectTimeout = TimeSpan.FromSeconds(20),
        NodesRoot = nodesRoot ?? $"/tmp/checker-ssh-test-{Guid.NewGuid():N}",
    };
}

/// <summary>The SSH node provider against real sshd in the lab (needs root).</summary>
[Trait("Tier", "Slow")]
public sealed class SshNodeProviderTests(LabFixture fixture) : IClassFixture<LabFixture>
{
    SshLab Lab => fixture.Lab;

    [NeedsFact(Needs.Root)]
    public async Task Commands_run_on_their_own_host_and_report_exit_codes()
    {
        await using var p = await SshNodeProvider.ConnectAsync(fixture.Options(), CancellationToken.None);
        foreach (var n in p.Nodes)
        {
            var r = await p.RunAsync(n, "ip", ["-4", "-o", "addr", "show", "dev", "eth0"], CancellationToken.None);
            Assert.Contains(n.Address + "/24", r.Output);
            Assert.Equal(n.Directory, (await p.RunAsync(n, "pwd", [], CancellationToken.None)).Output.Trim());
        }
        Assert.Equal(3, (await p.RunAsync(p.Nodes[0], "sh", ["-c", "echo 'it''s'; exit 3"], CancellationToken.None)).ExitCode);
    }

    [NeedsFact(Needs.Root)]
    public async Task A_started_server_is_detached_tracked_by_pid_and_start_time_paused_and_killed()
    {
        var p = await SshNodeProvider.ConnectAsync(fixture.Options(), CancellationToken.None);
        var n = p.Nodes[1];
        var log = $"{n.Directory}/server.log";
        var proc = await p.StartAsync(n, "server", "sh", ["-c", "echo started; exec sleep 300"], log, CancellationToken.None);
        try
        {
            Assert.True(await p.IsRunningAsync(proc));
            // setsid made it a session leader of its own: it does not hang on our SSH session.
            Assert.Equal(proc.Pid.ToString(), (await p.RunAsync(n, "ps", ["-o", "sid=", "-p", proc.Pid.ToString()], default)).Output.Trim());
            await p.SignalAsync(proc, NodeSignal.Stop);
            Assert.Equal("T", (await p.RunAsync(n, "ps", ["-o", "stat=", "-p", proc.Pid.ToString()], default)).Output.Trim()[..1]);
            Assert.True(await p.IsRunningAsync(proc)); // paused still counts as running
            // The same pid with another start time is another process: never signalled.
            await p.SignalAsync(proc with { StartTime = proc.StartTime + 1 }, NodeSignal.Kill);
            Assert.True(await p.IsRunningAsync(proc));
            await p.StopAsync(proc);
            Assert.False(await p.IsRunningAsync(proc));
            var local = Path.Combine(fixture.Folder, "fetched", "server.log");
            Assert.True(await p.FetchAsync(n, log, local, default));
            Assert.Equal("started\n", File.ReadAllText(local));
        }
        finally
        {
            await p.DisposeAsync();
        }
        // The lab shares this machine's filesystem: teardown removed the node folders and their root.
        Assert.False(Directory.Exists(Path.GetDirectoryName(n.Directory)));
    }

    [NeedsFact(Needs.Root)]
    public async Task Files_are_written_fetched_and_uploaded_once()
    {
        await using var p = await SshNodeProvider.ConnectAsync(fixture.Options(), CancellationToken.None);
        var n = p.Nodes[0];
        await p.WriteFileAsync(n, $"{n.Directory}/conf/zoo.cfg", "tickTime=2000\n", default);
        Assert.Equal("tickTime=2000\n", (await p.RunAsync(n, "cat", ["conf/zoo.cfg"], default)).Output);
        Assert.False(await p.FetchAsync(n, $"{n.Directory}/missing", Path.Combine(fixture.Folder, "x"), default));

        var tree = Directory.CreateTempSubdirectory("checker-upload-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(tree, "bin"));
            File.WriteAllText(Path.Combine(tree, "bin", "run.sh"), "echo hi\n");
            File.WriteAllBytes(Path.Combine(tree, "big.bin"), new byte[300_000]);
            await p.UploadAsync(n, tree, $"{n.Directory}/pkg", default);
            Assert.Equal("echo hi\n", (await p.RunAsync(n, "cat", ["pkg/bin/run.sh"], default)).Output);
            var stamp = (await p.RunAsync(n, "stat", ["-c", "%y", "pkg/big.bin"], default)).Output;
            await p.UploadAsync(n, Path.Combine(tree, "big.bin"), $"{n.Directory}/pkg/big.bin", default);
            Assert.Equal(stamp, (await p.RunAsync(n, "stat", ["-c", "%y", "pkg/big.bin"], default)).Output); // same content: not sent again
        }
        finally { Directory.Delete(tree, true); }
    }

    [NeedsFact(Needs.Root)]
    public async Task A_connection_that_drops_mid_command_gives_an_unknown_outcome_and_the_next_command_reconnects()
    {
        await using var p = await SshNodeProvider.ConnectAsync(fixture.Options(), CancellationToken.None);
        var n = p.Nodes[2];
        // The command kills the sshd process serving our connection: it ran, but we never hear how it ended.
        await Assert.ThrowsAsync<CommandOutcomeUnknownException>(() => p.ShellAsync(n, $"touch {n.Directory}/ran; kill -9 $PPID; sleep 5", default));
        Assert.Equal(0, (await p.RunAsync(n, "test", ["-e", "ran"], default)).ExitCode);
    }

    [NeedsFact(Needs.Root)]
    public async Task A_wrong_host_key_is_refused_naming_the_host()
    {
        var knownHosts = Path.Combine(fixture.Folder, $"swapped-{Guid.NewGuid():N}");
        var lines = File.ReadAllLines(Lab.KnownHosts);
        // n1's address with n2's key: a host impersonating another.
        File.WriteAllText(knownHosts, Lab.Hosts[0].Address + lines[1][lines[1].IndexOf(' ')..] + "\n");
        var e = await Assert.ThrowsAsync<SshNodeException>(() => SshNodeProvider.ConnectAsync(
            fixture.Options() with { Hosts = [Lab.Hosts[0].Address], KnownHosts = knownHosts }, CancellationToken.None));
        Assert.Contains("HOST KEY MISMATCH", e.Message);
        Assert.Contains($"root@{Lab.Hosts[0].Address}", e.Message);
    }

    [NeedsFact(Needs.Root)]
    public async Task An_unknown_host_is_refused_unless_accept_new_which_writes_its_key_down()
    {
        var knownHosts = Path.Combine(fixture.Folder, $"empty-{Guid.NewGuid():N}");
        var options = fixture.Options() with { Hosts = [Lab.Hosts[2].Address], KnownHosts = knownHosts };
        var e = await Assert.ThrowsAsync<SshNodeException>(() => SshNodeProvider.ConnectAsync(options, CancellationToken.None));
        Assert.Contains($"is not in {knownHosts}", e.Message);

        await using (await SshNodeProvider.ConnectAsync(options with { AcceptNew = true }, CancellationToken.None)) { }
        var written = File.ReadAllText(knownHosts);
        Assert.Equal(File.ReadAllLines(Lab.KnownHosts)[2] + "\n", written);
        await using (await SshNodeProvider.ConnectAsync(options, CancellationToken.None)) { } // now known
    }

    [NeedsFact(Needs.Root)]
    public async Task A_bad_key_or_password_names_the_host_and_the_user()
    {
        var otherKey = Path.Combine(fixture.Folder, $"other-{Guid.NewGuid():N}");
        await HostCommands.MustAsync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey]);
        var host = Lab.Hosts[0].Address;
        var e = await Assert.ThrowsAsync<SshNodeException>(() => SshNodeProvider.ConnectAsync(
            fixture.Options() with { Hosts = [host], PrivateKey = otherKey }, CancellationToken.None));
        Assert.Contains($"root@{host}", e.Message);
        Assert.Contains("authentication failed for user root", e.Message);

        var p = await Assert.ThrowsAsync<SshNodeException>(() => SshNodeProvider.ConnectAsync(
            fixture.Options() with { Hosts = [host], PrivateKey = null, Password = "not-the-password" }, CancellationToken.None));
        Assert.Contains($"root@{host}", p.Message);
        Assert.Contains("password", p.Message);
    }

    [NeedsFact(Needs.Root)]
    public async Task An_unreachable_host_fails_setup_within_the_connect_timeout_and_nothing_is_made_on_the_others()
    {
        var nowhere = Lab.Hosts[0].Address[..Lab.Hosts[0].Address.LastIndexOf('.')] + ".200"; // on the bridge's subnet, no host
        var options = fixture.Options() with { Hosts = [Lab.Hosts[0].Address, nowhere], ConnectTimeout = TimeSpan.FromSeconds(2) };
        var e = await Assert.ThrowsAsync<SshNodeException>(() => SshNodeProvider.ConnectAsync(options, CancellationToken.None));
        Assert.Contains($"n2 (root@{nowhere})", e.Message);
        Assert.Contains("cannot reach", e.Message);
        Assert.False(Directory.Exists(options.NodesRoot)); // n1's directory was never made
    }

    [NeedsFact(Needs.Root)]
    public async Task The_iptables_network_cuts_lab_hosts_over_ssh_while_the_runner_keeps_reaching_them()
    {
        await using var p = await SshNodeProvider.ConnectAsync(fixture.Options(), CancellationToken.None);
        var net = await IptablesNetwork.CreateAsync(p.Nodes, p.Command, CancellationToken.None);
        try
        {
            Task<CommandResult> Probe(Node from, Node to) =>
                p.RunAsync(from, "timeout", ["3", "bash", "-c", $"exec 3<>/dev/tcp/{to.Address}/22 && echo open"], default);
            Assert.Contains("open", (await Probe(p.Nodes[0], p.Nodes[1])).Output);

            await net.PartitionAsync(Grudge.Between(["n1"], ["n2", "n3"]), PartitionMode.Drop, CancellationToken.None);
            Assert.Contains("refused", (await Probe(p.Nodes[0], p.Nodes[1])).Output);
            Assert.Contains("refused", (await Probe(p.Nodes[2], p.Nodes[0])).Output);
            Assert.Contains("open", (await Probe(p.Nodes[1], p.Nodes[2])).Output);

            await net.HealAsync(CancellationToken.None);
            Assert.Contains("open", (await Probe(p.Nodes[0], p.Nodes[1])).Output);
        }
        finally
        {
            await net.DisposeAsync();
        }
        foreach (var n in p.Nodes) Assert.DoesNotContain("CHECKER", (await p.RunAsync(n, "iptables", ["-w", "-S"], default)).Output);
    }
}
