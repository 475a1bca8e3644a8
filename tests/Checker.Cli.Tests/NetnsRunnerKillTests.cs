using System.Diagnostics;
using Checker.Runner.Hosts;
using Checker.Runner.Running;

namespace Checker.Cli.Tests;

/// <summary>A runner with netns nodes killed with SIGKILL mid-test: `checker clean` stops its servers and removes its namespaces, veths and bridge (needs root).</summary>
[Trait("Tier", "Slow")]
public sealed class NetnsRunnerKillTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-netnskill-").FullName;

    [Fact]
    public async Task Clean_removes_the_namespaces_and_bridge_a_killed_runner_left()
    {
        var runs = Path.Combine(work, "runs");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checker.Tests.RepositoryPaths.Root };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", "--time-limit", "60", "--nodes.isolation", "netns",
                     "--nemesis.faults", "partition-isolate-one", "--nemesis.initial-delay", "1", "--nemesis.interval", "3", "--nemesis.duration", "2",
                     "--results", Path.Combine(work, "results"), "--runs-dir", runs])
            psi.ArgumentList.Add(a);
        using var runner = Process.Start(psi)!;
        var stderr = runner.StandardError.ReadToEndAsync();
        _ = runner.StandardOutput.ReadToEndAsync();

        var history = Path.Combine(work, "results", "zookeeper-register", "latest", "history.jsonl");
        for (var i = 0; i < 900 && (!File.Exists(history) || File.ReadLines(history).Count(l => l.Contains("start-partition")) < 2); i++)
            await Task.Delay(100);
        Assert.True(File.Exists(history), "the runner never wrote a history: " + (runner.HasExited ? await stderr : "still running"));
        var registered = RunRegistry.List(runs).Single().Run;
        var prefix = Checker.Runner.Nodes.NetnsNodeProvider.PrefixOf(registered.NodesRoot!) + "-";

        runner.Kill(); // SIGKILL: the namespaces, veths, bridge and servers stay behind
        await runner.WaitForExitAsync();
        Assert.Contains(prefix, (await Shell.RunAsync(["ip", "-o", "link"])).Output);

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
        Assert.Empty(registered.Processes.Where(p => Checker.Runner.Nodes.Posix.IsAlive(p.Pid, p.StartTime)));
        Assert.DoesNotContain(prefix, (await Shell.RunAsync(["ip", "-o", "link"])).Output);
        Assert.DoesNotContain(prefix, (await Shell.RunAsync(["ip", "netns", "list"])).Output);
        Assert.Empty(RunRegistry.List(runs));
        Assert.False(Directory.Exists(registered.NodesRoot!));
    }

    public void Dispose()
    {
        Cleaner.CleanAsync(Path.Combine(work, "runs"), force: true).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
