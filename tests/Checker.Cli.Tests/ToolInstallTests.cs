using System.Diagnostics;

namespace Checker.Cli.Tests;

/// <summary>
/// Checker shipped as a .NET tool: packed from src/Checker.Cli, installed with `dotnet tool install`, run as
/// `checker` from outside the repository, uninstalled. The tool goes into a folder of the test's own
/// (--tool-path), never into the user's global tools.
/// </summary>
[Trait("Tier", "Slow")]
public sealed class ToolInstallTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-tool-").FullName;

    static (int Exit, string Out, string Err) Run(string file, string cwd, params string[] args) => ChildProcess.Run(file, args, cwd);

    [Fact]
    public void The_packed_tool_installs_runs_checker_check_and_its_default_spec_from_anywhere_and_uninstalls()
    {
        var project = Path.Combine(Checker.Tests.RepositoryPaths.Root, "src", "Checker.Cli");
        // The build this test runs against (Debug or Release) is packed as it is, not built again.
        var release = $"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}";
        var configuration = AppContext.BaseDirectory.Contains(release) ? "Release" : "Debug";
        var packages = Path.Combine(work, "packages");
        var pack = Run("dotnet", work, "pack", project, "-c", configuration, "--no-build", "-o", packages);
        Assert.True(pack.Exit == 0, pack.Out + pack.Err);
        var tools = Path.Combine(work, "tools");
        var install = Run("dotnet", work, "tool", "install", "Checker.Cli", "--tool-path", tools,
            "--add-source", packages);
        Assert.True(install.Exit == 0, install.Out + install.Err);
        var checker = Path.Combine(tools, "checker");
        Assert.True(File.Exists(checker), $"no {checker} after install: {install.Out}");

        var elsewhere = Directory.CreateDirectory(Path.Combine(work, "elsewhere")).FullName; // no workloads/ above it
        var log = Path.Combine(Checker.Tests.RepositoryPaths.Corpus, "jepsen", "etcd_000.log");
        var (exit, output, _) = Run(checker, elsewhere, "check", log);
        Assert.Equal(1, exit);
        Assert.Contains("verdict: INVALID", output);
        Assert.Contains("minimal counterexample", output);
        // The shipped default spec is found beside the tool: the run gets as far as refusing the fault named here.
        var run = Run(checker, elsewhere, "run", "--nemesis.faults", "no-such-fault",
            "--results", Path.Combine(work, "results"));
        Assert.Equal(App.BadInput, run.Exit);
        Assert.Contains("unknown fault 'no-such-fault'", run.Err);
        Assert.DoesNotContain("cannot read spec", run.Err);

        var uninstall = Run("dotnet", work, "tool", "uninstall", "Checker.Cli", "--tool-path", tools);
        Assert.True(uninstall.Exit == 0, uninstall.Out + uninstall.Err);
        Assert.False(File.Exists(checker));
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
