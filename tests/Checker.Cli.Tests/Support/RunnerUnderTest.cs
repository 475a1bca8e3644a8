using System.Diagnostics;
using Checker.Runner.Running;

namespace Checker.Cli.Tests.Support;

/// <summary>
/// `checker run` as a child process with its results and runs registry in a work folder, partitioning
/// now and then, so a test can SIGKILL it mid-run and see what it left behind.
/// </summary>
sealed class RunnerUnderTest : IDisposable
{
    readonly Process process;
    readonly Task<string> stderr;

    public string Runs { get; }
    public string History { get; }

    RunnerUnderTest(Process process, string runs, string history)
    {
        this.process = process;
        stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Runs = runs;
        History = history;
    }

    /// <summary>Starts a 60 s run of the default spec with a partition every few seconds, plus the given flags.</summary>
    public static RunnerUnderTest Start(string work, params string[] flags)
    {
        var runs = Path.Combine(work, "runs");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checker.Tests.RepositoryPaths.Root };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", "--time-limit", "60",
                     "--nemesis.faults", "partition-isolate-one", "--nemesis.initial-delay", "1", "--nemesis.interval", "3", "--nemesis.duration", "2",
                     "--results", Path.Combine(work, "results"), "--runs-dir", runs, .. flags])
            psi.ArgumentList.Add(a);
        return new RunnerUnderTest(Process.Start(psi)!, runs, Path.Combine(work, "results", "zookeeper-register", "latest", "history.jsonl"));
    }

    /// <summary>Waits until the history shows a partition started (invoke and info), or says why it never did.</summary>
    public async Task WaitForPartitionAsync()
    {
        for (var i = 0; i < 900 && (!File.Exists(History) || File.ReadLines(History).Count(l => l.Contains("start-partition")) < 2); i++)
            await Task.Delay(100);
        Assert.True(File.Exists(History), "the runner never wrote a history: " + (process.HasExited ? await stderr : "still running"));
    }

    /// <summary>What the runs registry says of the run.</summary>
    public RegisteredRun Registered => RunRegistry.List(Runs).Single().Run;

    /// <summary>SIGKILL: no teardown runs, whatever fault is in force stays.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public static List<RegisteredProcess> Alive(RegisteredRun run) =>
        run.Processes.Where(p => Checker.Runner.Nodes.Posix.IsAlive(p.Pid, p.StartTime)).ToList();

    public void Dispose() => process.Dispose();
}
