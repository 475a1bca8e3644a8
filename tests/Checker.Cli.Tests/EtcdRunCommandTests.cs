using System.Diagnostics;

namespace Checker.Cli.Tests;

/// <summary>`checker run` on the etcd spec when etcd cannot be had: a message saying what to pass, and exit 5.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public sealed class EtcdRunCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-etcd-cli-").FullName;

    [Fact]
    public async Task A_candidate_etcd_that_is_not_there_exits_5_naming_it()
    {
        var missing = Path.Combine(work, "etcd-v3.4.99.tar.gz");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run",
                     Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-register.json"), "--db.install", missing, "--time-limit", "5",
                     "--results", Path.Combine(work, "results"), "--runs-dir", Path.Combine(work, "runs")])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutRead = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        var stdout = await stdoutRead;
        await p.WaitForExitAsync();

        Assert.Equal(5, p.ExitCode);
        Assert.Contains($"db.install: '{missing}' is neither a file nor a directory", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout); // no stack trace
    }

    public void Dispose()
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
