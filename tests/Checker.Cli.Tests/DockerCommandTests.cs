using System.Diagnostics;
using System.Formats.Tar;
using Checker.Cli.Tests.Support;
using Checker.Nodes.Hosts;
using Checker.Runner.Nodes;
using Checker.Nodes.Docker;
using Checker.Runner.Running;
using Checker.Nodes.Tests.Docker;
using Docker.DotNet.Models;

using Checker.Tests;

using Checker.Nodes;

namespace Checker.Cli.Tests;

/// <summary>`checker run` and `checker clean` with Docker nodes, on the tests' own dockerd (needs root).</summary>
[Trait("Tier", "Slow")]
[Collection("docker")]
public sealed class DockerCommandTests(DockerFixture docker) : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-dockercli-").FullName;

    /// <summary>`checker run` with Docker nodes as a child process with the given environment; its exit code and stderr.</summary>
    async Task<(int Exit, string Stderr)> RunAsync(Dictionary<string, string> env, params string[] flags)
    {
        var (exit, _, stderr) = await CheckerAsync(env, ["run", "--nodes.provider", "docker", "--time-limit", "5",
            "--results", Path.Combine(work, "results"), "--runs-dir", Path.Combine(work, "runs"), .. flags]);
        return (exit, stderr);
    }

    static async Task<(int Exit, string Stdout, string Stderr)> CheckerAsync(Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checker.Tests.RepositoryPaths.Root };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "checker.dll"), .. args]) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, stdout, await stderr);
    }

    [NeedsFact(Needs.Root)]
    public async Task Image_build_says_the_image_is_there_and_a_wrong_call_is_a_usage_error()
    {
        var (exit, stdout, _) = await CheckerAsync([], "image", "build");
        Assert.Equal(0, exit);
        Assert.Equal($"{docker.Recipe.Tag}: already on the daemon\n", stdout);
        Assert.Equal(4, (await CheckerAsync([], "image", "make")).Exit);
        var (noDaemon, _, stderr) = await CheckerAsync(new() { ["DOCKER_HOST"] = "unix:///tmp/checker-no-such-docker.sock" }, "image", "build");
        Assert.Equal(5, noDaemon);
        Assert.Equal("checker: no Docker daemon at unix:///tmp/checker-no-such-docker.sock (no such socket): start dockerd, or set DOCKER_HOST to its socket\n", stderr);
    }

    [NeedsFact(Needs.Root)]
    public async Task No_daemon_is_a_clear_message_and_exit_5()
    {
        var (exit, stderr) = await RunAsync(new() { ["DOCKER_HOST"] = "unix:///tmp/checker-no-such-docker.sock" });
        Assert.Equal(5, exit);
        Assert.Contains("the test could not run: no Docker daemon at unix:///tmp/checker-no-such-docker.sock (no such socket)", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [NeedsFact(Needs.Root)]
    public async Task A_named_image_the_daemon_lacks_is_a_clear_message_and_exit_5()
    {
        var (exit, stderr) = await RunAsync([], "--nodes.image", "checker-no-such-image:1");
        Assert.Equal(5, exit);
        Assert.Contains("nodes.image 'checker-no-such-image:1' is not on the Docker daemon", stderr);
    }

    [NeedsFact(Needs.Root)]
    public async Task Checkers_image_that_cannot_be_built_is_a_clear_message_and_exit_5()
    {
        // An empty cache and a mirror nothing answers at: the image is missing and mmdebstrap cannot make it.
        var (exit, stderr) = await RunAsync(new()
        {
            ["CHECKER_CACHE"] = Path.Combine(work, "cache"),
            ["CHECKER_DEBIAN_MIRROR"] = "http://127.0.0.1:9/debian",
        });
        Assert.Equal(5, exit);
        Assert.Contains("the node image could not be built: mmdebstrap failed", stderr);
        Assert.Empty(Directory.GetFiles(Path.Combine(work, "cache", "images"), "*.tar")); // no half-built root filesystem is cached
    }

    [NeedsFact(Needs.Root)]
    public async Task A_container_that_fails_to_start_is_a_clear_message_and_exit_5_and_none_is_left()
    {
        // An image with one file and no program: its containers cannot start.
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/hostname") { DataStream = new MemoryStream("x\n"u8.ToArray()) });
        tar.Position = 0;
        await docker.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = "checker-test-empty", Tag = "1" }, tar, null, new Progress<JSONMessage>());

        var (exit, stderr) = await RunAsync([], "--nodes.image", "checker-test-empty:1");
        Assert.Equal(5, exit);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(stderr, "the test could not run: container [^ ]+-n\\d \\(image checker-test-empty:1\\) did not start: "), stderr);
        Assert.Contains("sleep", stderr); // why: the image has no program to run
        Assert.DoesNotContain(docker.Daemon.ContainerNames(), n => n.Contains("zookeeper-register"));
        Assert.Empty(RunRegistry.List(Path.Combine(work, "runs")));
    }

    [NeedsFact(Needs.Root)]
    public async Task Clean_removes_the_containers_veths_and_bridge_a_killed_runner_left_and_nothing_else()
    {
        // A container of someone else's on the same daemon.
        var bystander = await docker.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"bystander-{Guid.NewGuid():N}", Image = docker.Recipe.Tag, Entrypoint = ["sleep", "infinity"],
            Labels = new Dictionary<string, string> { ["checker.run"] = "someone-else" }, HostConfig = new HostConfig { NetworkMode = "none" },
        });
        await docker.Client.Containers.StartContainerAsync(bystander.ID, new ContainerStartParameters());

        using var runner = RunnerUnderTest.Start(work, "--nodes.provider", "docker");
        await runner.WaitForPartitionAsync();
        var registered = runner.Registered;
        Assert.Equal("docker", registered.Provider);
        Assert.Equal(docker.Daemon.Endpoint, registered.Reach?["DockerHost"]?.ToString());
        var prefix = NetnsNodeProvider.PrefixOf(registered.NodesRoot!) + "-";
        var containers = Enumerable.Range(1, 3).Select(k => DockerNodeProvider.ContainerName(registered.NodesRoot!, k)).ToList();

        await runner.KillAsync(); // the containers, veths, bridge and servers stay behind
        Assert.Subset(docker.Daemon.ContainerNames().ToHashSet(), containers.ToHashSet());
        Assert.Contains(prefix, (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);

        Assert.Equal(0, App.Run(["clean", "--runs-dir", runner.Runs]));
        var left = docker.Daemon.ContainerNames();
        Assert.Empty(left.Intersect(containers));
        Assert.True((await docker.Client.Containers.InspectContainerAsync(bystander.ID)).State.Running); // untouched
        Assert.Empty(RunnerUnderTest.Alive(registered));
        Assert.DoesNotContain(prefix, (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
        Assert.False(File.Exists(NetnsNodeProvider.StateFileOf(registered.NodesRoot!)));
        Assert.Empty(RunRegistry.List(runner.Runs));
        await docker.Client.Containers.RemoveContainerAsync(bystander.ID, new ContainerRemoveParameters { Force = true });
    }

    public void Dispose()
    {
        Cleaner.CleanAsync(Path.Combine(work, "runs"), force: true).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
