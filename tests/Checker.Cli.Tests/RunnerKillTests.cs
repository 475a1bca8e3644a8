using Checker.Core.Formats;
using Checker.Runner.Running;
using Checker.Cli.Tests.Support;
using static Checker.Cli.Tests.Support.RunnerUnderTest;

namespace Checker.Cli.Tests;

/// <summary>A runner killed with SIGKILL mid-test: its history still checks, and `checker clean` stops its nodes.</summary>
[Trait("Tier", "Slow")]
public sealed class RunnerKillTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-kill-").FullName;

    [Fact]
    public async Task History_of_a_killed_runner_is_checkable_and_clean_stops_the_leftover_nodes()
    {
        using var runner = RunnerUnderTest.Start(work);
        await runner.WaitForPartitionAsync();
        var history = runner.History;
        var runs = runner.Runs;
        var registered = runner.Registered;
        Assert.NotEmpty(registered.Processes);

        await runner.KillAsync();
        Assert.NotEmpty(Alive(registered));

        var ops = HistoryFile.Load(history);
        Assert.Contains(ops, o => o.IsNemesis && o.F == "start-partition");
        Assert.InRange(App.Run(["check", history]), 0, 2); // a verdict, not bad input

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
        Assert.Empty(Alive(registered));
        Assert.Empty(RunRegistry.List(runs));
        Assert.False(registered.NodesRoot is { } root && Directory.Exists(root));
    }

    public void Dispose()
    {
        // Should the test fail before clean, stop what the killed runner left.
        var runs = Path.Combine(work, "runs");
        Cleaner.CleanAsync(runs, force: true).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
