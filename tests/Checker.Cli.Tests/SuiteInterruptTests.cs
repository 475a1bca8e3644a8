using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Checker.Runner.Running;

namespace Checker.Cli.Tests;

/// <summary>Ctrl-C during a suite: the running test heals, tears down and is checked; the tests after it are skipped.</summary>
[Trait("Tier", "Slow")]
public sealed class SuiteInterruptTests : IDisposable
{
    const int Sigint = 2;

    [DllImport("libc", EntryPoint = "signal")]
    static extern nint SetSignal(int signum, nint handler);

    /// <summary>
    /// A shell ignores SIGINT in what it starts in the background, and children inherit that: the
    /// runner would then rightly ignore Ctrl-C, as under nohup. Tests started that way (a CI job in the
    /// background) give their runner the default disposition back, so Ctrl-C is what is tested.
    /// </summary>
    static void UnignoreSigint()
    {
        var ignored = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        if ((ulong.Parse(ignored, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (Sigint - 1))) != 0)
            SetSignal(Sigint, 0); // SIG_DFL
    }

    readonly string work = Directory.CreateTempSubdirectory("checker-suite-int-").FullName;

    [Fact]
    public async Task Ctrl_c_stops_the_suite_after_the_current_test_heals_and_skips_the_rest()
    {
        var spec = Checker.Tests.RepositoryPaths.DefaultSpec;
        var suite = Path.Combine(work, "suite.json");
        File.WriteAllText(suite, $$"""[ { "spec": "{{spec}}", "repeat": 2, "overrides": { "time-limit": 60, "nemesis.faults": ["partition-isolate-one"], "nemesis.initial-delay": 1, "nemesis.interval": 2, "nemesis.duration": 1 } } ]""");
        var runs = Path.Combine(work, "runs");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checker.Tests.RepositoryPaths.Root };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", suite, "--results", Path.Combine(work, "results"), "--runs-dir", runs, "--junit", Path.Combine(work, "j.xml")])
            psi.ArgumentList.Add(a);
        UnignoreSigint();
        using var runner = Process.Start(psi)!;
        var stdout = runner.StandardOutput.ReadToEndAsync();
        var stderr = runner.StandardError.ReadToEndAsync();

        var history = Path.Combine(work, "results", "zookeeper-register", "latest", "history.jsonl");
        for (var i = 0; i < 600 && (!File.Exists(history) || !Enough(history)); i++)
            await Task.Delay(100);
        Assert.True(File.Exists(history), "the first test never started");
        var registered = RunRegistry.List(runs).Single().Run;
        Process.Start("kill", ["-INT", runner.Id.ToString()])!.WaitForExit();
        if (!runner.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            runner.Kill(entireProcessTree: true);
            var log = Path.Combine(Path.GetDirectoryName(history)!, "runner.log");
            Assert.Fail($"the suite did not stop after Ctrl-C\n{await stdout}\n{await stderr}\n{(File.Exists(log) ? File.ReadAllText(log) : "no runner.log")}");
        }

        var results = Directory.GetFiles(Path.Combine(work, "results"), "results.json", SearchOption.AllDirectories).Select(File.ReadAllText);
        Assert.True(runner.ExitCode == 2, $"exit {runner.ExitCode}\n{await stdout}\n{await stderr}\n{string.Join("\n", results)}"); // an interrupted run proves nothing
        var table = await stdout;
        Assert.Contains("(interrupted)", table);
        Assert.Contains("skipped", table);
        Assert.Single(Directory.GetDirectories(Path.Combine(work, "results", "zookeeper-register")), d => new DirectoryInfo(d).LinkTarget is null);
        Assert.Empty(RunRegistry.List(runs)); // torn down: nothing left for clean to do
        Assert.DoesNotContain(registered.Processes, p => Checker.Runner.Nodes.Posix.IsAlive(p.Pid, p.StartTime));
        var runDir = Directory.GetDirectories(Path.Combine(work, "results", "zookeeper-register")).Single(d => new DirectoryInfo(d).LinkTarget is null);
        var lastNemesis = File.ReadLines(Path.Combine(runDir, "history.jsonl")).Last(l => l.Contains("\"nemesis\""));
        Assert.Contains("\"f\":\"heal\"", lastNemesis); // healed before it stopped
    }

    /// <summary>
    /// A fault under way and some of every operation done: the stats check calls an operation that never
    /// succeeded invalid, and a test cut short before its first cas would be judged on that, not on Ctrl-C.
    /// </summary>
    static bool Enough(string history)
    {
        if (!File.Exists(history)) return false;
        var lines = File.ReadLines(history).ToList();
        return lines.Count(l => l.Contains("\"nemesis\"")) >= 2 && new[] { "read", "write", "cas" }.All(f => lines.Any(l => l.Contains("\"type\":\"ok\"") && l.Contains($"\"f\":\"{f}\"")));
    }

    public void Dispose()
    {
        Cleaner.CleanAsync(Path.Combine(work, "runs"), force: true).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
