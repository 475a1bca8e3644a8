using Checker.Nodes.Hosts;
using Checker.Runner.Nodes;
using Checker.Nodes.Docker;

using Checker.Tests;

namespace Checker.Nodes.Tests.Docker;

/// <summary>Containers as nodes, on the tests' own dockerd (needs root).</summary>
[Trait("Tier", "Slow")]
[Collection("docker")]
public sealed class DockerNodeTests(DockerFixture docker)
{
    static string NewRoot() => $"/tmp/checker-dockertest-{Guid.NewGuid():N}"[..40];

    /// <summary>The process's command line once it holds `expected`, or what it holds after 30 s (a loaded machine is slow to exec).</summary>
    static async Task<string> CommandLineOfAsync(int pid, string expected)
    {
        var line = "";
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(20))
        {
            line = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            if (line.Contains(expected, StringComparison.Ordinal)) break;
        }
        return line;
    }

    [NeedsFact(Needs.Root)]
    public async Task A_container_node_runs_commands_holds_files_signals_its_server_and_is_removed_at_teardown()
    {
        var root = NewRoot();
        var prefix = NetnsNodeProvider.PrefixOf(root) + "-";
        var provider = await DockerNodeProvider.CreateAsync(new DockerNodeOptions(2, root, docker.Recipe.Tag), null, _ => { }, CancellationToken.None);
        try
        {
            Assert.Equal(["n1", "n2"], provider.Nodes.Select(n => n.Name));
            Assert.Contains(DockerNodeProvider.ContainerName(root, 1), docker.Daemon.ContainerNames());
            var n1 = provider.Nodes[0];
            Assert.Matches(@"^127\.\d+\.1\.1$", n1.Address);

            var pwd = await provider.RunAsync(n1, "pwd", [], CancellationToken.None);
            Assert.Equal($"{n1.Directory}\n", pwd.Output);
            Assert.Equal(3, (await provider.RunAsync(n1, "sh", ["-c", "echo out; echo err >&2; exit 3"], CancellationToken.None)) is var r ? r.ExitCode : -1);
            Assert.Contains("out", r.Output);
            Assert.Contains("err", r.Output);

            await provider.WriteFileAsync(n1, $"{n1.Directory}/a/b/file.txt", "hello\n", CancellationToken.None);
            Assert.Equal("hello\n", (await provider.RunAsync(n1, "cat", [$"{n1.Directory}/a/b/file.txt"], CancellationToken.None)).Output);
            var local = Path.Combine(Path.GetTempPath(), $"fetched-{Guid.NewGuid():N}.txt");
            Assert.True(await provider.FetchAsync(n1, $"{n1.Directory}/a/b/file.txt", local, CancellationToken.None));
            Assert.Equal("hello\n", File.ReadAllText(local));
            File.Delete(local);
            Assert.False(await provider.FetchAsync(n1, $"{n1.Directory}/missing", local, CancellationToken.None));
            // A file larger than the client's buffers, twice: each fetch leaves the connection ready for the next request.
            var big = new string('x', 3_000_000) + "\n";
            await provider.WriteFileAsync(n1, $"{n1.Directory}/big.txt", big, CancellationToken.None);
            for (var i = 0; i < 2; i++)
            {
                Assert.True(await provider.FetchAsync(n1, $"{n1.Directory}/big.txt", local, CancellationToken.None));
                Assert.Equal(big.Length, new FileInfo(local).Length);
            }
            File.Delete(local);
            Assert.False(await provider.FetchAsync(provider.Nodes[1], $"{n1.Directory}/a/b/file.txt", local, CancellationToken.None)); // n2 is another filesystem

            // Each container's namespace is on the bridge: TCP from n1's namespace and from the runner reaches a listener in n2's.
            var n2 = provider.Nodes[1];
            using (var listener = NetnsSockets.Listen(provider.NamespaceOf(n2), n2.Address, 4567))
            {
                var (fromNode, connect) = NetnsSockets.Connect(provider.NamespaceOf(n1), n2.Address, 4567);
                using (fromNode) await connect.WaitAsync(TimeSpan.FromSeconds(30));
                using var fromRunner = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await fromRunner.ConnectAsync(System.Net.IPAddress.Parse(n2.Address), 4567).WaitAsync(TimeSpan.FromSeconds(30));
            }

            var server = await provider.StartAsync(n1, "sleeper", "sleep", ["1000"], $"{n1.Directory}/sleeper.log", CancellationToken.None);
            Assert.True(await provider.IsRunningAsync(server, CancellationToken.None));
            // The host pid of the process in the container; its shell may not have exec'd sleep yet, so wait for it to.
            Assert.Contains("sleep 1000", await CommandLineOfAsync(server.Pid, "sleep 1000"));
            await provider.SignalAsync(server, NodeSignal.Stop, CancellationToken.None);
            Assert.Equal('T', await StateOfAsync(server.Pid));
            await provider.StopAsync(server, CancellationToken.None);
            Assert.False(await provider.IsRunningAsync(server, CancellationToken.None));
            Assert.Equal("ok\n", (await provider.RunAsync(n1, "echo", ["ok"], CancellationToken.None)).Output); // the container lives on

            // Freezing stops every process of the container at once; thawing lets them run on.
            var other = await provider.StartAsync(n1, "sleeper", "sleep", ["1000"], $"{n1.Directory}/sleeper.log", CancellationToken.None);
            await provider.FreezeAsync(n1, CancellationToken.None);
            Assert.True((await docker.Client.Containers.InspectContainerAsync(DockerNodeProvider.ContainerName(root, 1))).State.Paused);
            Assert.True(Frozen(other.Pid));
            await provider.ThawAsync(n1, CancellationToken.None);
            await provider.ThawAsync(n1, CancellationToken.None); // thawing a running container changes nothing
            Assert.False((await docker.Client.Containers.InspectContainerAsync(DockerNodeProvider.ContainerName(root, 1))).State.Paused);
            Assert.False(Frozen(other.Pid));
            Assert.True(await provider.IsRunningAsync(other, CancellationToken.None));
        }
        finally
        {
            await provider.DisposeAsync();
        }
        Assert.DoesNotContain(DockerNodeProvider.ContainerName(root, 1), docker.Daemon.ContainerNames());
        Assert.DoesNotContain(prefix, (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
        Assert.False(File.Exists(NetnsNodeProvider.StateFileOf(root)));
    }

    /// <summary>Whether the kernel's freezer holds the process's cgroup (cgroup v1's freezer.state, or v2's cgroup.events).</summary>
    static bool Frozen(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        if (lines.FirstOrDefault(l => l.Split(':')[1] == "freezer") is { } v1)
            return File.ReadAllText($"/sys/fs/cgroup/freezer{v1.Split(':')[2]}/freezer.state").Trim() == "FROZEN";
        var v2 = lines.Single(l => l.StartsWith("0::", StringComparison.Ordinal))[3..];
        return File.ReadAllLines($"/sys/fs/cgroup{v2}/cgroup.events").Contains("frozen 1");
    }

    static async Task<char> StateOfAsync(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            if (state == 'T') return state;
            await Task.Delay(20);
        }
        var last = File.ReadAllText($"/proc/{pid}/stat");
        return last[last.LastIndexOf(')') + 2];
    }

    [NeedsFact(Needs.Root)]
    public async Task A_named_image_that_is_not_on_the_daemon_is_a_clear_error_and_nothing_is_left()
    {
        var root = NewRoot();
        var e = await Assert.ThrowsAsync<DockerNodeException>(() => DockerNodeProvider.CreateAsync(
            new DockerNodeOptions(1, root, "checker-no-such-image:1"), null, _ => { }, CancellationToken.None));
        Assert.Contains("nodes.image 'checker-no-such-image:1' is not on the Docker daemon", e.Message);
        Assert.DoesNotContain(NetnsNodeProvider.PrefixOf(root) + "-", (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
    }

    [NeedsFact(Needs.Root)]
    public async Task No_daemon_at_the_endpoint_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<DockerNodeException>(() => DockerDaemon.ConnectAsync("unix:///tmp/checker-no-such-docker.sock", CancellationToken.None));
        Assert.Equal("no Docker daemon at unix:///tmp/checker-no-such-docker.sock (no such socket): start dockerd, or set DOCKER_HOST to its socket", e.Message);
    }
}
