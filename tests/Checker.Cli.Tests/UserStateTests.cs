using System.Diagnostics;
using Checker.Runner.Nodes;

using Checker.Tests;

namespace Checker.Cli.Tests;

/// <summary>A user other than root keeps Checker's state in a folder of its own, which no one else may write.</summary>
[Trait("Tier", "Slow")]
public sealed class UserStateTests : IDisposable
{
    const int Nobody = 65534;
    readonly string work = Directory.CreateTempSubdirectory("checker-user-").FullName;

    [NeedsFact(Needs.Root)]
    public async Task A_run_as_another_user_keeps_its_runs_registry_in_that_users_runtime_folder()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test needs root (it runs Checker as nobody)");
        var runtime = Directory.CreateDirectory(Path.Combine(work, "runtime")).FullName;
        var results = Directory.CreateDirectory(Path.Combine(work, "results")).FullName;
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        foreach (var dir in new[] { runtime, results })
            Assert.Equal(0, (await Checker.Runner.Nodes.HostCommands.RunAsync(["chown", $"{Nobody}", dir])).ExitCode);

        var psi = new ProcessStartInfo("runuser")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Checker.Tests.RepositoryPaths.Root,
        };
        foreach (var a in (string[])["-u", "nobody", "--", "env", $"HOME={runtime}", $"DOTNET_CLI_HOME={runtime}",
                     $"XDG_RUNTIME_DIR={runtime}", "dotnet", Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run",
                     "--time-limit", "4", "--nemesis.faults", "", "--recovery.final-reads", "0", "--results", results])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();

        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {await output}{await errors}");
        var registry = Posix.Ownership(Path.Combine(runtime, "checker", "runs"), followLink: false);
        Assert.NotNull(registry); // the run registered itself there, and removed its entry when it ended
        var (owner, mode) = (registry.Value.Owner, registry.Value.Mode & 0xFFF);
        Assert.True(registry.Value.IsDirectory && owner == Nobody && mode == 0b111_000_000,
            $"registry folder mode {Convert.ToString(mode, 8)}, owner {owner}");
        Assert.Empty(Directory.GetFiles(Path.Combine(runtime, "checker", "runs")));
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
