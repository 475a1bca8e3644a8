using System.Diagnostics;
using Checker.Core.Formats;
using Checker.Runner.Running;

namespace Checker.Cli.Tests;

/// <summary>A runner killed with SIGKILL mid-test: its history still checks, and `checker clean` stops its nodes.</summary>
[Trait("Tier", "Slow")]
public sealed class RunnerKillTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-kill-").FullName;

    [Fact]
    public async Task History_of_a_killed_runner_is_checkable_and_clean_stops_the_leftover_nodes()
    {
        var runs = Path.Combine(work, "runs");
        var repo = Checker.Tests.RepositoryPaths.Root;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", "--time-limit", "60", "--nemesis.faults", "partition-isolate-one",
                     "--nemesis.initial-delay", "1", "--nemesis.interval", "2", "--nemesis.duration", "1", "--results", Path.Combine(work, "results"), "--runs-dir", runs])
            psi.ArgumentList.Add(a);
        using var runner = Process.Start(psi)!;
        _ = runner.StandardOutput.ReadToEndAsync();
        _ = runner.StandardError.ReadToEndAsync();

        var history = Path.Combine(work, "results", "zookeeper-register", "latest", "history.jsonl");
        for (var i = 0; i < 600 && (!File.Exists(history) || File.ReadLines(history).Count(l => l.Contains("\"nemesis\"")) < 4); i++)
            await Task.Delay(100);
        Assert.True(File.Exists(history), "the runner never wrote a history");
        var registered = RunRegistry.List(runs).Single().Run;
        Assert.NotEmpty(registered.Processes);

        runner.Kill(); // SIGKILL: no teardown runs
        await runner.WaitForExitAsync();
        Assert.NotEmpty(Alive(registered));

        var ops = HistoryFile.Load(history);
        Assert.Contains(ops, o => o.IsNemesis && o.F == "start-partition");
        Assert.InRange(App.Run(["check", history]), 0, 2); // a verdict, not bad input

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
        Assert.Empty(Alive(registered));
        Assert.Empty(RunRegistry.List(runs));
        Assert.False(registered.NodesRoot is { } root && Directory.Exists(root));
    }

    static List<RegisteredProcess> Alive(RegisteredRun run) =>
        run.Processes.Where(p => Checker.Runner.Nodes.Posix.IsAlive(p.Pid, p.StartTime)).ToList();

    public void Dispose()
    {
        // Should the test fail before clean, stop what the killed runner left.
        var runs = Path.Combine(work, "runs");
        Cleaner.CleanAsync(runs, force: true).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
