using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Checker.Nodes.Net;
using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Nodes;

/// <summary>
/// Nodes as local processes: node k binds its own loopback address 127.S.0.k (S picked per run so
/// runs do not collide), works in its own directory, and its processes are tracked by pid.
/// </summary>
public sealed class LocalNodeProvider : INodeProvider
{
    readonly ConcurrentDictionary<int, NodeProcess> running = new();
    readonly Action<NodeProcess>? onStart;
    readonly string root;
    readonly LoopbackSubnet? claim;
    readonly Func<Node, IReadOnlyList<string>, IReadOnlyList<string>> wrap = (_, argv) => argv;

    public string Kind => "local";

    /// <summary>Every node is a process on this machine, sharing its packages.</summary>
    public string MachineOf(Node node) => Machines.ThisMachine;

    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The second octet of every address of this run: nodes are 127.Subnet.0.k.</summary>
    public int Subnet => claim?.Octet ?? 0;

    LocalNodeProvider(
        LoopbackSubnet? claim,
        string root,
        IReadOnlyList<Node> nodes,
        Action<NodeProcess>? onStart,
        Func<Node, IReadOnlyList<string>, IReadOnlyList<string>>? wrap = null
    )
    {
        if (wrap is not null)
            this.wrap = wrap;
        this.claim = claim;
        this.root = root;
        Nodes = nodes;
        this.onStart = onStart;
    }

    /// <summary>Makes count nodes with fresh directories under root; onStart hears of every process started (for the
    /// runs registry).</summary>
    public static LocalNodeProvider Create(int count, string root, Action<NodeProcess>? onStart = null)
    {
        root = Checker.Runner.Running.StateFolders.Own(root); // a folder another user made beforehand is refused
        var claim = LoopbackSubnet.Claim(NothingListens);
        var nodes = Enumerable
            .Range(1, count)
            .Select(k => new Node(
                $"n{k}",
                k,
                $"127.{claim.Octet}.0.{k}",
                Directory.CreateDirectory(Path.Combine(root, $"n{k}")).FullName
            ))
            .ToList();
        return new LocalNodeProvider(claim, root, nodes, onStart);
    }

    /// <summary>
    /// Local processes on given nodes, each command run through wrap(node, argv): for nodes that each
    /// live in a network namespace of their own (`ip netns exec NS ...`).
    /// </summary>
    public static LocalNodeProvider Wrapped(
        IReadOnlyList<Node> nodes,
        string root,
        Action<NodeProcess>? onStart,
        Func<Node, IReadOnlyList<string>, IReadOnlyList<string>> wrap
    )
    {
        foreach (var n in nodes)
            Directory.CreateDirectory(n.Directory);
        return new LocalNodeProvider(null, root, nodes, onStart, wrap);
    }

    /// <summary>Whether 127.S.0.1 is bindable with nothing on the usual port (a process from outside Checker may sit
    /// there).</summary>
    static bool NothingListens(int s)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Parse($"127.{s}.0.1"), 2181));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public Task<NodeProcess> StartAsync(
        Node node,
        string name,
        string command,
        IReadOnlyList<string> args,
        string logFile,
        CancellationToken ct
    )
    {
        // setsid: the process leaves our terminal's process group, so Ctrl-C reaches only the runner, which then tears
        // down.
        // sh redirects output straight into the log file, so the process does not depend on the runner staying alive.
        var argv = wrap(
            node,
            [
                "setsid",
                "sh",
                "-c",
                "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1",
                "sh",
                logFile,
                command,
                .. args,
            ]
        );
        var psi = new ProcessStartInfo(argv[0]) { UseShellExecute = false, WorkingDirectory = node.Directory };
        foreach (var a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {command} on {node}");
        var started = new NodeProcess(node, name, p.Id, Posix.StartTime(p.Id));
        running[p.Id] = started;
        onStart?.Invoke(started);
        return Task.FromResult(started);
    }

    public Task SignalAsync(NodeProcess process, NodeSignal signal, CancellationToken ct)
    {
        Signal(process, signal);
        return Task.CompletedTask;
    }

    static void Signal(NodeProcess process, NodeSignal signal)
    {
        if (Posix.IsAlive(process.Pid, process.StartTime))
            Posix.Signal(process.Pid, (int)signal);
    }

    public Task<bool> IsRunningAsync(NodeProcess process, CancellationToken ct) =>
        Task.FromResult(Posix.IsAlive(process.Pid, process.StartTime));

    /// <summary>Stops a process an earlier run left behind, if it still lives with that start time; true if it
    /// did.</summary>
    public static async Task<bool> StopLeftoverAsync(int pid, long startTime)
    {
        if (!Posix.IsAlive(pid, startTime))
            return false;
        Posix.Signal(pid, (int)NodeSignal.Cont);
        Posix.Signal(pid, (int)NodeSignal.Kill);
        for (var i = 0; i < 300 && Posix.IsAlive(pid, startTime); i++)
            await Task.Delay(10);
        return true;
    }

    public async Task StopAsync(NodeProcess process, CancellationToken ct)
    {
        Signal(process, NodeSignal.Cont); // a paused process must run to die cleanly
        Signal(process, NodeSignal.Kill);
        for (var i = 0; i < 500 && Posix.IsAlive(process.Pid, process.StartTime); i++)
            await Task.Delay(10, CancellationToken.None);
        running.TryRemove(process.Pid, out _);
    }

    public async Task<CommandResult> RunAsync(
        Node node,
        string command,
        IReadOnlyList<string> args,
        CancellationToken ct
    )
    {
        var argv = wrap(node, [command, .. args]);
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            WorkingDirectory = node.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot run {command} on {node}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return new CommandResult(p.ExitCode, await stdout + await stderr);
    }

    public Task WriteFileAsync(Node node, string path, string content, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return File.WriteAllTextAsync(path, content, ct);
    }

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken ct)
    {
        if (File.Exists(localPath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(remotePath))!);
            File.Copy(localPath, remotePath, overwrite: true);
        }
        else if (Directory.Exists(localPath))
        {
            foreach (var file in Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(remotePath, Path.GetRelativePath(localPath, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
        else
            throw new FileNotFoundException($"nothing to upload at {localPath}", localPath);
        return Task.CompletedTask;
    }

    public async Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct)
    {
        if (!File.Exists(path))
            return false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localPath))!);
        await using var src = new FileStream(
            path,
            FileMode.Open,
            FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete
        );
        await using var dst = File.Create(localPath);
        await src.CopyToAsync(dst, ct);
        return true;
    }

    public async Task TeardownAsync()
    {
        foreach (var p in running.Values.ToList())
            await StopAsync(p, CancellationToken.None);
        try
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
        catch (IOException) { } // a file still held open; the runs registry lets `checker clean` retry
        claim?.Dispose();
    }

    public ValueTask DisposeAsync() => new(TeardownAsync());

    /// <summary>
    /// Checker's proxy between the nodes: node `from` reaches node `to` at 127.S.from.to, where the proxy listens
    /// and applies the faults.
    /// </summary>
    public Task<INetwork> StartNetworkAsync(NetworkOptions options, PeerPorts peers, CancellationToken ct)
    {
        string PeerAddress(Node from, Node to) => $"127.{Subnet}.{from.Id}.{to.Id}";
        return Task.FromResult<INetwork>(ProxyNetwork.Start(Nodes, peers, PeerAddress, options.Heal));
    }
}
