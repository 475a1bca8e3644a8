using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Checker.Nodes.Hosts;
using Checker.Nodes.Net;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Checker.Nodes.Ssh;

/// <summary>
/// Nodes on hosts reached over SSH (SSH.NET), as Jepsen reaches its nodes. Node k is options.Hosts[k-1]
/// and works in NodesRoot/nK. Commands run through `sh -c` (with `sudo -n` for a user other than
/// root); servers are started detached with setsid, their output appended to a log on the node, and
/// identified by pid and start time (field 22 of /proc/PID/stat), so a reused pid is never signalled.
/// </summary>
internal sealed class SshNodeProvider : INodeProvider, INodeClocks, INodeShell
{
    readonly SshOptions options;
    readonly Dictionary<string, SshSession> sessions;
    readonly ConcurrentDictionary<(string Node, int Pid), NodeProcess> running = new();
    readonly Action<NodeProcess>? onStart;
    int tornDown;

    public string Kind => "ssh";
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Runs argv on a node; the IptablesNetwork acts on the nodes through this.</summary>
    public NodeCommand Command => ExecAsync;

    public Task<CommandResult> ExecAsync(Node node, IReadOnlyList<string> argv, CancellationToken ct) =>
        RunAsync(node, argv[0], argv.Skip(1).ToList(), ct);

    /// <summary>iptables on each host.</summary>
    public Task<Checker.Runner.Net.INetwork> StartNetworkAsync(
        Checker.Runner.Net.NetworkOptions options,
        Checker.Runner.Net.PeerPorts peers,
        CancellationToken ct
    ) => IptablesNetwork.StartAsync(this, this, ct);

    SshNodeProvider(
        SshOptions options,
        IReadOnlyList<Node> nodes,
        Dictionary<string, SshSession> sessions,
        Action<NodeProcess>? onStart
    )
    {
        this.options = options;
        Nodes = nodes;
        this.sessions = sessions;
        this.onStart = onStart;
    }

    /// <summary>
    /// Connects to every host (in parallel) and makes each node's directory. Any host that cannot be
    /// reached, refuses its key or our credentials fails the whole setup, naming it; the others are
    /// left as they were.
    /// </summary>
    public static async Task<SshNodeProvider> ConnectAsync(
        SshOptions options,
        CancellationToken ct,
        Action<NodeProcess>? onStart = null
    )
    {
        if (options.Hosts.Count == 0)
            throw new SshNodeException("no SSH hosts given");
        var knownHosts = new KnownHosts(options.KnownHosts);
        var nodes = options
            .Hosts.Select((h, i) => new Node($"n{i + 1}", i + 1, h, $"{options.NodesRoot.TrimEnd('/')}/n{i + 1}"))
            .ToList();
        var sessions = nodes.ToDictionary(n => n.Name, n => new SshSession(n.Name, n.Address, options, knownHosts));
        var provider = new SshNodeProvider(options, nodes, sessions, onStart);
        try
        {
            // Every host must answer before anything is made on any of them.
            await Task.WhenAll(nodes.Select(n => sessions[n.Name].CommandsAsync(ct)));
            await Task.WhenAll(
                nodes.Select(async n =>
                {
                    var mkdir =
                        $"mkdir -p {HostCommands.Quote(n.Directory)}"
                        + (
                            options.UsesSudo
                                ? $" && chown {HostCommands.Quote(options.User)} {HostCommands.Quote(n.Directory)}"
                                : ""
                        );
                    var r = await provider.ShellAsync(n, mkdir, ct);
                    if (r.ExitCode != 0)
                        throw new SshNodeException(
                            $"{sessions[n.Name].Who}: cannot make {n.Directory}: {r.Output.Trim()}"
                        );
                })
            );
            return provider;
        }
        catch
        {
            foreach (var s in sessions.Values)
                s.Dispose();
            throw;
        }
    }

    /// <summary>Runs a shell command line on the node (as root: through sudo -n when the user is not root).</summary>
    public async Task<CommandResult> ShellAsync(Node node, string commandLine, CancellationToken ct)
    {
        var session = sessions[node.Name];
        var client = await session.CommandsAsync(ct); // a failure here means the command was never sent
        var text = options.UsesSudo ? $"sudo -n sh -c {HostCommands.Quote(commandLine)}" : commandLine;
        using var command = client.CreateCommand(text);
        try
        {
            await command.ExecuteAsync(ct);
        }
        catch (Exception e)
            when (e
                    is SshConnectionException
                        or SshException
                        or ObjectDisposedException
                        or IOException
                        or System.Net.Sockets.SocketException
                && !ct.IsCancellationRequested
            )
        {
            throw new CommandOutcomeUnknownException(
                $"{session.Who}: the connection dropped while '{commandLine}' ran; whether it took effect is unknown",
                e
            );
        }
        if (command.ExitStatus is not { } exit)
        {
            if (command.ExitSignal is { } signal)
                return new CommandResult(
                    128 + SignalNumber(signal),
                    command.Result + command.Error + $"(killed by SIG{signal})"
                );
            throw new CommandOutcomeUnknownException(
                $"{session.Who}: '{commandLine}' ended without an exit status (connection lost?); whether it took "
                    + $"effect is unknown"
            );
        }
        return new CommandResult(exit, command.Result + command.Error);
    }

    static int SignalNumber(string name) =>
        name switch
        {
            "KILL" => 9,
            "TERM" => 15,
            "INT" => 2,
            "HUP" => 1,
            "SEGV" => 11,
            "ABRT" => 6,
            _ => 0,
        };

    public Task<CommandResult> RunAsync(Node node, string command, IReadOnlyList<string> args, CancellationToken ct) =>
        ShellAsync(
            node,
            $"cd {HostCommands.Quote(node.Directory)} 2>/dev/null; {HostCommands.Join([command, .. args])}",
            ct
        );

    public async Task<NodeProcess> StartAsync(
        Node node,
        string name,
        string command,
        IReadOnlyList<string> args,
        string logFile,
        CancellationToken ct
    )
    {
        // setsid: the server leaves the SSH session (it outlives the channel and our connection);
        // its own stdio goes to the log so the channel closes at once. The background job is a simple
        // command (not a list, which would run in a subshell holding the channel open) and not a
        // process group leader, so setsid does not fork and $! is the server's pid.
        var line =
            $"cd {HostCommands.Quote(node.Directory)} || exit 1; "
            + $"setsid sh -c 'log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1' sh "
            + $"{HostCommands.Quote(logFile)} {HostCommands.Join([command, .. args])} </dev/null >/dev/null 2>&1 & "
            + "pid=$!; set -- $(sed 's/.*) //' /proc/$pid/stat); echo \"$pid ${20}\"";
        var r = await ShellAsync(node, line, ct);
        var parts = r.Output.Trim().Split(' ');
        if (
            r.ExitCode != 0
            || parts.Length != 2
            || !int.TryParse(parts[0], out var pid)
            || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var start)
        )
            throw new SshNodeException($"{sessions[node.Name].Who}: cannot start {command}: {r.Output.Trim()}");
        var process = new NodeProcess(node, name, pid, start);
        running[(node.Name, pid)] = process;
        onStart?.Invoke(process);
        return process;
    }

    /// <summary>A test on the node that holds while the process lives (stopped counts) with its recorded start
    /// time.</summary>
    static string AliveTest(NodeProcess p) =>
        $"s=$(sed 's/.*) //' /proc/{p.Pid}/stat 2>/dev/null) && set -- $s && [ \"${{20}}\" = {p.StartTime} ] && [ "
        + $"\"$1\" != Z ]";

    public async Task SignalAsync(NodeProcess process, NodeSignal signal, CancellationToken ct = default) =>
        await ShellAsync(process.Node, $"{AliveTest(process)} && kill -{(int)signal} {process.Pid}; exit 0", ct);

    public async Task<bool> IsRunningAsync(NodeProcess process, CancellationToken ct = default) =>
        (await ShellAsync(process.Node, AliveTest(process), ct)).ExitCode == 0;

    public async Task StopAsync(NodeProcess process, CancellationToken ct = default)
    {
        // CONT first: a paused process must run to die. The loop waits on the node, in one command.
        var line =
            $"{AliveTest(process)} || exit 0; kill -CONT {process.Pid}; kill -KILL {process.Pid}; "
            + $"i=0; while [ $i -lt 500 ] && {AliveTest(process)}; do sleep 0.01; i=$((i+1)); done; exit 0";
        await ShellAsync(process.Node, line, ct);
        running.TryRemove((process.Node.Name, process.Pid), out _);
    }

    public async Task WriteFileAsync(Node node, string path, string content, CancellationToken ct)
    {
        var sftp = await sessions[node.Name].FilesAsync(ct);
        await EnsureDirectoryAsync(sftp, RemoteDirectory(path), ct);
        using var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        await sftp.UploadFileAsync(data, path, ct);
    }

    /// <summary>
    /// Copies a local file or directory to the node. A file that is already there with the same
    /// SHA-256 is not sent again (so a candidate tarball crosses the network once per node).
    /// </summary>
    public async Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken ct)
    {
        var sftp = await sessions[node.Name].FilesAsync(ct);
        if (Directory.Exists(localPath))
        {
            foreach (var file in Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories))
                await UploadFileAsync(
                    node,
                    sftp,
                    file,
                    $"{remotePath.TrimEnd('/')}/{Path.GetRelativePath(localPath, file).Replace('\\', '/')}",
                    ct
                );
        }
        else if (File.Exists(localPath))
            await UploadFileAsync(node, sftp, localPath, remotePath, ct);
        else
            throw new FileNotFoundException($"{localPath}: no such file or directory to upload to {node}");
    }

    async Task UploadFileAsync(Node node, SftpClient sftp, string local, string remote, CancellationToken ct)
    {
        string hash;
        await using (var f = File.OpenRead(local))
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(f, ct));
        var there = await ShellAsync(node, $"sha256sum {HostCommands.Quote(remote)} 2>/dev/null", ct);
        if (there.ExitCode == 0 && there.Output.StartsWith(hash))
            return;
        await EnsureDirectoryAsync(sftp, RemoteDirectory(remote), ct);
        await using var data = File.OpenRead(local);
        await sftp.UploadFileAsync(data, remote, ct);
    }

    public async Task<bool> FetchAsync(Node node, string path, string localPath, CancellationToken ct)
    {
        var sftp = await sessions[node.Name].FilesAsync(ct);
        if (!await sftp.ExistsAsync(path, ct))
            return false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localPath))!);
        await using var dst = File.Create(localPath);
        try
        {
            await sftp.DownloadFileAsync(path, dst, ct);
        }
        catch (SftpPathNotFoundException)
        {
            return false;
        }
        return true;
    }

    /// <summary>
    /// This node's clock minus the runner's, estimated from one round trip (the node's reading is
    /// taken to be at the trip's midpoint); the error is at most half the round trip, also returned.
    /// </summary>
    public async Task<(TimeSpan Offset, TimeSpan Uncertainty)> ClockOffsetAsync(Node node, CancellationToken ct)
    {
        await sessions[node.Name].CommandsAsync(ct);
        var before = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var r = await ShellAsync(node, "date +%s.%N", ct);
        var trip = clock.Elapsed;
        var remote = decimal.Parse(r.Output.Trim(), CultureInfo.InvariantCulture);
        var midpoint = before + trip / 2;
        var offset = TimeSpan.FromMilliseconds((double)(remote * 1000m - midpoint.ToUnixTimeMilliseconds()));
        return (offset, trip / 2);
    }

    static string RemoteDirectory(string path) => path[..Math.Max(path.LastIndexOf('/'), 1)];

    static async Task EnsureDirectoryAsync(SftpClient sftp, string dir, CancellationToken ct)
    {
        var path = "";
        foreach (var part in dir.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            if (!await sftp.ExistsAsync(path, ct))
                await sftp.CreateDirectoryAsync(path, ct);
        }
    }

    /// <summary>Stops every process this provider started and removes the node directories.</summary>
    public async Task TeardownAsync()
    {
        if (Interlocked.Exchange(ref tornDown, 1) == 1)
            return;
        await Task.WhenAll(
            Nodes.Select(async n =>
            {
                try
                {
                    foreach (var p in running.Values.Where(p => p.Node == n).ToList())
                        await StopAsync(p);
                    // The shared root goes too once no node of any run is left in it.
                    await ShellAsync(
                        n,
                        $"rm -rf {HostCommands.Quote(n.Directory)}; rmdir {HostCommands.Quote(options.NodesRoot)} "
                            + $"2>/dev/null; exit 0",
                        CancellationToken.None
                    );
                }
                // unreachable now; `checker clean` retries
                catch (Exception e) when (e is SshNodeException or CommandOutcomeUnknownException) { }
            })
        );
    }

    public async ValueTask DisposeAsync()
    {
        await TeardownAsync();
        foreach (var s in sessions.Values)
            s.Dispose();
    }
}
