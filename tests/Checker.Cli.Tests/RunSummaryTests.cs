using System.Diagnostics;

namespace Checker.Cli.Tests;

/// <summary>What `checker run` prints when its test fails after it made the run's folder.</summary>
public sealed class RunSummaryTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-summary-").FullName;

    [Fact]
    public async Task A_run_that_fails_after_writing_its_folder_names_that_folder_in_the_summary()
    {
        var results = Path.Combine(work, "results");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Checker.Tests.RepositoryPaths.Root,
        };
        // A candidate that is not there fails the setup, after the run's folder is made and latest points at it.
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", "--time-limit", "5",
                     "--db.install", Path.Combine(work, "no-such-build.tar.gz"),
                     "--results", results, "--runs-dir", Path.Combine(work, "runs")])
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == App.Environment, $"exit {process.ExitCode}: {await stderr}");
        var testDir = Path.Combine(results, "zookeeper-register");
        var folder = Path.Combine(testDir, new FileInfo(Path.Combine(testDir, "latest")).LinkTarget!);
        Assert.True(File.Exists(Path.Combine(folder, "results.json")), "the failed run wrote no results.json");
        var row = (await stdout).Split('\n').Single(l => l.StartsWith("zookeeper-register", StringComparison.Ordinal));
        Assert.EndsWith(folder, row.TrimEnd());
        Assert.Contains("error", row);
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
