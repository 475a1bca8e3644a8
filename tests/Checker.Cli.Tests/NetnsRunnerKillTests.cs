using Checker.Nodes.Hosts;
using Checker.Runner.Running;
using Checker.Cli.Tests.Support;

using Checker.Tests;

using Checker.Runner.Nodes;

namespace Checker.Cli.Tests;

/// <summary>A runner with netns nodes killed with SIGKILL mid-test: `checker clean` stops its servers and removes its namespaces, veths and bridge (needs root).</summary>
[Trait("Tier", "Slow")]
public sealed class NetnsRunnerKillTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-netnskill-").FullName;

    [NeedsFact(Needs.Root)]
    public async Task Clean_removes_the_namespaces_and_bridge_a_killed_runner_left()
    {
        using var runner = RunnerUnderTest.Start(work, "--nodes.isolation", "netns");
        await runner.WaitForPartitionAsync();
        var runs = runner.Runs;
        var registered = runner.Registered;
        var prefix = Checker.Nodes.NetnsNodeProvider.PrefixOf(registered.NodesRoot!) + "-";

        await runner.KillAsync(); // the namespaces, veths, bridge and servers stay behind
        Assert.Contains(prefix, (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
        Assert.Empty(RunnerUnderTest.Alive(registered));
        Assert.DoesNotContain(prefix, (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
        Assert.DoesNotContain(prefix, (await HostCommands.RunAsync(["ip", "netns", "list"])).Output);
        Assert.Empty(RunRegistry.List(runs));
        Assert.False(Directory.Exists(registered.NodesRoot!));
    }

    public void Dispose()
    {
        Cleaner.CleanAsync(Path.Combine(work, "runs"), force: true).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
