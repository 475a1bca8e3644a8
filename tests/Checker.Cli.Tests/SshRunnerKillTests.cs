using Checker.Nodes.Hosts;
using Checker.Runner.Running;
using Checker.Cli.Tests.Support;
using static Checker.Cli.Tests.Support.RunnerUnderTest;

using Checker.Tests;

using Checker.Runner.Nodes;

namespace Checker.Cli.Tests;

/// <summary>A runner killed with SIGKILL mid-test on SSH hosts: `checker clean` stops the servers and removes the chains on every host (needs root).</summary>
[Trait("Tier", "Slow")]
public sealed class SshRunnerKillTests : IAsyncLifetime
{
    readonly string work = Directory.CreateTempSubdirectory("checker-sshkill-").FullName;
    SshLab lab = null!;
    string LabDir => Path.Combine(work, "lab");

    public async Task InitializeAsync() => lab = await SshLab.UpAsync(LabDir, 3);

    [NeedsFact(Needs.Root)]
    public async Task Clean_stops_the_servers_and_removes_the_chains_on_every_host()
    {
        using var runner = RunnerUnderTest.Start(work, "--nodes", string.Join(',', lab.Hosts.Select(h => h.Address)), "--username", "root",
            "--ssh-private-key", lab.PrivateKey, "--ssh.known-hosts", lab.KnownHosts);
        await runner.WaitForPartitionAsync();
        var runs = runner.Runs;
        var registered = runner.Registered;
        Assert.Equal("ssh", registered.Provider);
        Assert.Equal(3, registered.Processes.Count);

        await runner.KillAsync(); // a partition may be in force
        Assert.Equal(3, Alive(registered).Count);

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
        Assert.Empty(Alive(registered));
        Assert.Empty(RunRegistry.List(runs));
        foreach (var host in lab.Hosts)
            Assert.DoesNotContain("CHECKER", (await HostCommands.RunAsync(["ip", "netns", "exec", host.Namespace, "iptables", "-S"])).Output);
        Assert.False(Directory.Exists(registered.NodesRoot!));
    }

    public async Task DisposeAsync()
    {
        await Cleaner.CleanAsync(Path.Combine(work, "runs"), force: true);
        await SshLab.DownAsync(LabDir);
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
