using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Checker.Nodes.Hosts;
using Checker.Nodes.Net;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Checker.Nodes.Docker;

/// <summary>How to make Docker nodes.</summary>
/// <param name="Root">The run's nodes root (/tmp/checker-RUN): each node works in Root/nK inside its container; the
/// bridge's state file sits beside it on this machine.</param>
/// <param name="Image">The user's own image, or null for Checker's node image (built when missing).</param>
/// <param name="Endpoint">The daemon (default: DOCKER_HOST or the local socket).</param>
internal sealed record DockerNodeOptions(
    int Count,
    string Root,
    string? Image = null,
    string? Endpoint = null,
    string? CacheDirectory = null
);

/// <summary>
/// Nodes as containers, one per node, made and acted on through the Docker Engine API. Each container
/// starts with network "none" and an idle init; Checker then joins its network namespace to a per-run
/// bridge (HostBridge, as for netns nodes and the SSH lab) as 127.S.1.k, so clients and peers reach it
/// on loopback addresses and faults are iptables rules in its namespace. Containers are named and
/// labelled with the run (checker.run), so teardown and `checker clean` remove exactly them.
///
/// A server is a detached exec whose host pid (from the exec's inspection) identifies it, with its start
/// time, like a local process: kill is SIGKILL of that process (the container stays, like a host whose
/// process died), pause is SIGSTOP; freezing is Docker's pause of the whole container. Files go in and out
/// through the archive API. Needs root (the bridge).
/// </summary>
public sealed partial class DockerNodeProvider : INodeProvider, INodeFreezer, INodeShell
{
    public const string RunLabel = "checker.run";
    public const string NodeLabel = "checker.node";

    /// <param name="Pid">The host pid of the container's init: its network namespace is /proc/Pid/ns/net.</param>
    sealed record Container(string Id, string Name, int Pid);

    readonly DockerClient client;
    readonly HostBridge bridge;
    readonly IReadOnlyDictionary<string, Container> containers;
    readonly ConcurrentDictionary<int, NodeProcess> running = new();
    readonly Action<NodeProcess>? onStart;
    readonly string root;
    int tornDown;

    public string Kind => "docker";
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The image the containers run.</summary>
    public string Image { get; }

    /// <summary>The runner's address on the bridge.</summary>
    public string RunnerAddress => bridge.RunnerAddress;

    /// <summary>Runs argv in the node's network namespace with this machine's tools: the iptables network acts through
    /// this (the image needs no iptables).</summary>
    internal NodeCommand Command => ExecAsync;

    public Task<CommandResult> ExecAsync(Node node, IReadOnlyList<string> argv, CancellationToken ct) =>
        HostCommands.RunAsync(NamespaceOf(node).Exec(argv), ct);

    /// <summary>iptables in each container's network namespace, with this machine's tools.</summary>
    public Task<INetwork> StartNetworkAsync(NetworkOptions options, PeerPorts peers, CancellationToken ct) =>
        IptablesNetwork.StartAsync(this, this, ct);

    /// <summary>The node's network namespace (its container's).</summary>
    internal NetNamespace NamespaceOf(Node node) => NetNamespace.OfProcess(containers[node.Name].Pid);

    /// <summary>The name of node k's container.</summary>
    public static string ContainerName(string root, int k) =>
        $"{InvalidNameChars().Replace(RunLabelOf(root), "_")}-n{k}";

    /// <summary>The checker.run label of the containers of the nodes under root (the root's folder name, which holds
    /// the run's id).</summary>
    public static string RunLabelOf(string root) => Path.GetFileName(Path.TrimEndingDirectorySeparator(root));

    [GeneratedRegex("[^a-zA-Z0-9_.-]")]
    private static partial Regex InvalidNameChars();

    DockerNodeProvider(
        DockerClient client,
        HostBridge bridge,
        string root,
        IReadOnlyList<Node> nodes,
        IReadOnlyDictionary<string, Container> containers,
        string image,
        Action<NodeProcess>? onStart
    )
    {
        this.client = client;
        this.root = root;
        this.bridge = bridge;
        Nodes = nodes;
        this.containers = containers;
        Image = image;
        this.onStart = onStart;
    }

    /// <summary>
    /// Connects to the daemon, makes sure of the image (Checker's is built or imported when missing),
    /// makes the bridge, then starts and wires one container per node. Any failure removes whatever
    /// was made and throws a DockerNodeException that says why in one line.
    /// </summary>
    internal static async Task<DockerNodeProvider> CreateAsync(
        DockerNodeOptions options,
        Action<NodeProcess>? onStart,
        Action<string> log,
        CancellationToken ct
    )
    {
        if (!Environment.IsPrivilegedProcess)
            throw new DockerNodeException(
                "Docker nodes need root: Checker wires each container into a bridge of its own on 127.0.0.0/8"
            );
        var endpoint = options.Endpoint ?? DockerDaemon.Endpoint;
        var client = await DockerDaemon.ConnectAsync(endpoint, ct);
        HostBridge? bridge = null;
        try
        {
            var image = await ImageAsync(client, options, endpoint, log, ct);
            bridge = await HostBridge.CreateAsync(
                NetnsNodeProvider.StateFileOf(options.Root),
                NetnsNodeProvider.PrefixOf(options.Root),
                ct
            );
            var made = await Task.WhenAll(
                Enumerable
                    .Range(1, options.Count)
                    .Select(k => StartContainerAsync(client, bridge, options.Root, image, k, ct))
            );
            var nodes = made.Select(m => m.Node).ToList();
            var provider = new DockerNodeProvider(
                client,
                bridge,
                options.Root,
                nodes,
                made.ToDictionary(m => m.Node.Name, m => m.Container),
                image,
                onStart
            );
            foreach (var node in nodes)
            {
                var mkdir = await provider.ExecAsync(node, ["mkdir", "-p", node.Directory], null, ct);
                if (!mkdir.Ok)
                    throw new DockerNodeException(
                        $"container {provider.containers[node.Name].Name}: cannot make {node.Directory}: "
                            + $"{mkdir.Output.Trim()}"
                    );
            }
            return provider;
        }
        catch
        {
            // What failed is what the user needs to hear; a daemon that also fails the removal leaves it to
            // `checker clean`.
            try
            {
                await RemoveContainersAsync(client, RunLabelOf(options.Root));
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException) { }
            if (bridge is not null)
                await bridge.TeardownAsync();
            client.Dispose();
            throw;
        }
    }

    static async Task<string> ImageAsync(
        DockerClient client,
        DockerNodeOptions options,
        string endpoint,
        Action<string> log,
        CancellationToken ct
    )
    {
        if (options.Image is { } named)
        {
            if (await NodeImage.ExistsAsync(client, named, ct))
                return named;
            throw new DockerNodeException(
                $"nodes.image '{named}' is not on the Docker daemon at {endpoint}: pull, load or build it there "
                    + $"first (or leave nodes.image unset for Checker's own image)"
            );
        }
        var recipe = ImageRecipe.Default();
        await NodeImage.EnsureAsync(client, recipe, options.CacheDirectory ?? NodeImage.CacheDirectory, log, ct);
        return recipe.Tag;
    }

    static async Task<(Node Node, Container Container)> StartContainerAsync(
        DockerClient client,
        HostBridge bridge,
        string root,
        string image,
        int k,
        CancellationToken ct
    )
    {
        var name = ContainerName(root, k);
        string id;
        try
        {
            id = (
                await client.Containers.CreateContainerAsync(
                    new CreateContainerParameters
                    {
                        Name = name,
                        Image = image,
                        Hostname = $"n{k}",
                        // An idle process under Docker's init (which reaps orphans); the servers are execs beside it.
                        Entrypoint = ["sleep", "infinity"],
                        Labels = new Dictionary<string, string>
                        {
                            [RunLabel] = RunLabelOf(root),
                            [NodeLabel] = $"n{k}",
                        },
                        HostConfig = new HostConfig { NetworkMode = "none", Init = true },
                    },
                    ct
                )
            ).ID;
        }
        catch (DockerApiException e)
        {
            throw new DockerNodeException(
                $"container {name} (image {image}) could not be made: {DockerDaemon.MessageOf(e)}",
                e
            );
        }
        try
        {
            await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct);
        }
        catch (DockerApiException e)
        {
            throw new DockerNodeException(
                $"container {name} (image {image}) did not start: {DockerDaemon.MessageOf(e)}",
                e
            );
        }
        var state = (await client.Containers.InspectContainerAsync(id, ct)).State;
        if (await ExitedAsync(state) is { } atOnce)
            throw atOnce;
        var pid = (int)state.Pid;
        string address;
        try
        {
            address = await bridge.AttachAsync(NetNamespace.OfProcess(pid), k, ct);
        }
        catch (HostCommandException)
        {
            // Docker's init may be running when inspected and gone a moment later (its program is missing):
            // then that is the reason, once Docker has noticed.
            for (var i = 0; i < 50; i++)
            {
                if (await ExitedAsync((await client.Containers.InspectContainerAsync(id, ct)).State) is { } exited)
                    throw exited;
                await Task.Delay(100, ct);
            }
            throw;
        }
        return (new Node($"n{k}", k, address, $"{root.TrimEnd('/')}/n{k}"), new Container(id, name, pid));

        async Task<DockerNodeException?> ExitedAsync(ContainerState state)
        {
            if (state.Running && state.Pid > 0)
                return null;
            var said = string.IsNullOrEmpty(state.Error) ? await LastWordsAsync(client, id, ct) : state.Error;
            return new DockerNodeException(
                $"container {name} (image {image}) did not start: it exited at once (exit "
                    + $"{state.ExitCode}){(said.Length > 0 ? ": " + said : "")}"
            );
        }
    }

    /// <summary>The last lines a container printed, on one line (why its init gave up).</summary>
    static async Task<string> LastWordsAsync(DockerClient client, string id, CancellationToken ct)
    {
        using var logs = await client.Containers.GetContainerLogsAsync(
            id,
            false,
            new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Tail = "3",
            },
            ct
        );
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(ct);
        return string.Join(
            " | ",
            (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        );
    }

    /// <summary>Runs argv in the node's container (an exec) and returns its exit code and output.</summary>
    async Task<CommandResult> ExecAsync(Node node, IReadOnlyList<string> argv, string? workingDir, CancellationToken ct)
    {
        var c = containers[node.Name];
        var exec = await client.Exec.ExecCreateContainerAsync(
            c.Id,
            new ContainerExecCreateParameters
            {
                Cmd = argv.ToList(),
                AttachStdout = true,
                AttachStderr = true,
                WorkingDir = workingDir,
            },
            ct
        );
        string stdout,
            stderr;
        using (var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, ct))
            (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);
        // The output ends when the process does; the daemon records the exit code a moment later.
        for (var i = 0; ; i++)
        {
            var done = await client.Exec.InspectContainerExecAsync(exec.ID, ct);
            if (!done.Running || i >= 500)
                return new CommandResult(done.Running ? -1 : (int)done.ExitCode, stdout + stderr);
            await Task.Delay(10, ct);
        }
    }

    public Task<CommandResult> RunAsync(Node node, string command, IReadOnlyList<string> args, CancellationToken ct) =>
        ExecAsync(node, [command, .. args], node.Directory, ct);

    public async Task<NodeProcess> StartAsync(
        Node node,
        string name,
        string command,
        IReadOnlyList<string> args,
        string logFile,
        CancellationToken ct
    )
    {
        var c = containers[node.Name];
        // A detached exec: the server outlives the request, its output appended to the log inside the container.
        var exec = await client.Exec.ExecCreateContainerAsync(
            c.Id,
            new ContainerExecCreateParameters
            {
                Cmd =
                [
                    "sh",
                    "-c",
                    "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1",
                    "sh",
                    logFile,
                    command,
                    .. args,
                ],
                WorkingDir = node.Directory,
            },
            ct
        );
        await client.Exec.StartContainerExecAsync(exec.ID, ct);
        for (var i = 0; ; i++)
        {
            var inspect = await client.Exec.InspectContainerExecAsync(exec.ID, ct);
            if (inspect.Pid > 0)
            {
                var pid = (int)inspect.Pid;
                var started = new NodeProcess(node, name, pid, Posix.StartTime(pid));
                running[pid] = started;
                onStart?.Invoke(started);
                return started;
            }
            if (!inspect.Running && i > 0 || i >= 500)
                throw new DockerNodeException(
                    $"container {c.Name}: {command} did not start (exit {inspect.ExitCode}); see {logFile} there"
                );
            await Task.Delay(10, ct);
        }
    }

    public Task SignalAsync(NodeProcess process, NodeSignal signal, CancellationToken ct)
    {
        if (Posix.IsAlive(process.Pid, process.StartTime))
            Posix.Signal(process.Pid, (int)signal);
        return Task.CompletedTask;
    }

    public Task<bool> IsRunningAsync(NodeProcess process, CancellationToken ct) =>
        Task.FromResult(Posix.IsAlive(process.Pid, process.StartTime));

    public async Task StopAsync(NodeProcess process, CancellationToken ct)
    {
        // CONT first: a stopped process must run to die; the exec's shim reaps it.
        await SignalAsync(process, NodeSignal.Cont, ct);
        await SignalAsync(process, NodeSignal.Kill, ct);
        for (var i = 0; i < 500 && Posix.IsAlive(process.Pid, process.StartTime); i++)
            await Task.Delay(10, CancellationToken.None);
        running.TryRemove(process.Pid, out _);
    }

    /// <summary>Freezes every process of the node's container (Docker's pause, the cgroup freezer).</summary>
    public Task FreezeAsync(Node node, CancellationToken ct) =>
        client.Containers.PauseContainerAsync(containers[node.Name].Id, ct);

    /// <summary>Thaws a frozen container; one that is not frozen is left as it is.</summary>
    public async Task ThawAsync(Node node, CancellationToken ct)
    {
        var id = containers[node.Name].Id;
        if ((await client.Containers.InspectContainerAsync(id, ct)).State.Paused)
            await client.Containers.UnpauseContainerAsync(id, ct);
    }

    public Task WriteFileAsync(Node node, string path, string content, CancellationToken ct) =>
        ContainerFiles.WriteAsync(client, containers[node.Name].Id, path, content, ct);

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken ct) =>
        ContainerFiles.UploadAsync(client, containers[node.Name].Id, localPath, remotePath, ct);

    public Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct) =>
        ContainerFiles.FetchAsync(client, containers[node.Name].Id, path, localPath, ct);

    /// <summary>Removes the containers (their processes die with them), then the veths and the bridge.</summary>
    public async Task TeardownAsync()
    {
        if (Interlocked.Exchange(ref tornDown, 1) == 1)
            return;
        running.Clear();
        try
        {
            await RemoveContainersAsync(client, RunLabelOf(root));
        }
        finally
        {
            await bridge.TeardownAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await TeardownAsync();
        client.Dispose();
    }

    /// <summary>Force-removes every container labelled with the run (all states); returns their names.</summary>
    public static async Task<IReadOnlyList<string>> RemoveContainersAsync(DockerClient client, string runLabel)
    {
        var found = await client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={runLabel}"] = true },
                },
            },
            CancellationToken.None
        );
        await Task.WhenAll(
            found.Select(async c =>
            {
                try
                {
                    await client.Containers.RemoveContainerAsync(
                        c.ID,
                        new ContainerRemoveParameters { Force = true },
                        CancellationToken.None
                    );
                }
                catch (DockerContainerNotFoundException) { } // removed meanwhile
            })
        );
        return found.Select(c => c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12]).ToList();
    }
}
