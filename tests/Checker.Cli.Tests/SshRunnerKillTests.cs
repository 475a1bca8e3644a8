using System.Diagnostics;
using Checker.Runner.Hosts;
using Checker.Runner.Running;

namespace Checker.Cli.Tests;

/// <summary>A runner killed with SIGKILL mid-test on SSH hosts: `checker clean` stops the servers and removes the chains on every host (needs root).</summary>
[Trait("Tier", "Slow")]
public sealed class SshRunnerKillTests : IAsyncLifetime
{
    readonly string work = Directory.CreateTempSubdirectory("checker-sshkill-").FullName;
    SshLab lab = null!;
    string LabDir => Path.Combine(work, "lab");

    public async Task InitializeAsync() => lab = await SshLab.UpAsync(LabDir, 3);

    [Fact]
    public async Task Clean_stops_the_servers_and_removes_the_chains_on_every_host()
    {
        var runs = Path.Combine(work, "runs");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checker.Tests.RepositoryPaths.Root };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", "--time-limit", "60",
                     "--nodes", string.Join(',', lab.Hosts.Select(h => h.Address)), "--username", "root", "--ssh-private-key", lab.PrivateKey,
                     "--ssh.known-hosts", lab.KnownHosts, "--nemesis.faults", "partition-isolate-one", "--nemesis.initial-delay", "1",
                     "--nemesis.interval", "3", "--nemesis.duration", "2", "--results", Path.Combine(work, "results"), "--runs-dir", runs])
            psi.ArgumentList.Add(a);
        using var runner = Process.Start(psi)!;
        var stderr = runner.StandardError.ReadToEndAsync();
        _ = runner.StandardOutput.ReadToEndAsync();

        var history = Path.Combine(work, "results", "zookeeper-register", "latest", "history.jsonl");
        for (var i = 0; i < 900 && (!File.Exists(history) || File.ReadLines(history).Count(l => l.Contains("start-partition")) < 2); i++)
            await Task.Delay(100);
        Assert.True(File.Exists(history), "the runner never wrote a history: " + (runner.HasExited ? await stderr : "still running"));
        var registered = RunRegistry.List(runs).Single().Run;
        Assert.Equal("ssh", registered.Provider);
        Assert.Equal(3, registered.Processes.Count);

        runner.Kill(); // SIGKILL: no teardown, and a partition may be in force
        await runner.WaitForExitAsync();
        Assert.Equal(3, Alive(registered).Count);

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
        Assert.Empty(Alive(registered));
        Assert.Empty(RunRegistry.List(runs));
        foreach (var host in lab.Hosts)
            Assert.DoesNotContain("CHECKER", (await Shell.RunAsync(["ip", "netns", "exec", host.Namespace, "iptables", "-S"])).Output);
        Assert.False(Directory.Exists(registered.NodesRoot!));
    }

    static List<RegisteredProcess> Alive(RegisteredRun run) =>
        run.Processes.Where(p => Checker.Runner.Nodes.Posix.IsAlive(p.Pid, p.StartTime)).ToList();

    public async Task DisposeAsync()
    {
        await Cleaner.CleanAsync(Path.Combine(work, "runs"), force: true);
        await SshLab.DownAsync(LabDir);
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
