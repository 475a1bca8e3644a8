using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Checker.Databases.ZooKeeper;

namespace Checker.ZooKeeper.Tests.Infrastructure;

/// <summary>One real ZooKeeper server process started by a test, with its own data dir and ports.</summary>
public sealed class LocalZooKeeperServer
{
    private const int SIGCONT = 18, SIGSTOP = 19;   // Linux x86-64/arm64 numbering

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    internal LocalZooKeeperServer(ZooKeeperServerConfig config, Process process, string logFile)
    {
        Config = config;
        Process = process;
        LogFile = logFile;
    }

    /// <summary>The rendered configuration.</summary>
    public ZooKeeperServerConfig Config { get; }
    /// <summary>The JVM.</summary>
    public Process Process { get; }
    /// <summary>slf4j-simple log of the server.</summary>
    public string LogFile { get; }
    /// <summary>Client address.</summary>
    public string Host => Config.ClientAddress;
    /// <summary>Client port.</summary>
    public int Port => Config.ClientPort;

    /// <summary>SIGKILL by pid and wait for it to exit.</summary>
    public void Kill()
    {
        if (Process.HasExited) return;
        kill(Process.Id, SIGCONT);        // a stopped process dies on SIGKILL too, but leave nothing frozen
        Process.Kill();
        Process.WaitForExit(10_000);
    }

    /// <summary>
    /// SIGSTOP: the process freezes, its sockets stay open. Returns once every thread of the JVM is stopped:
    /// the signal only asks the kernel to stop them, and a thread already running finishes its slice first.
    /// </summary>
    public void Pause()
    {
        Signal(SIGSTOP);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!AllThreadsStopped())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"pid {Process.Id}: threads still running 30 s after SIGSTOP");
            Thread.Sleep(5);
        }
    }

    /// <summary>Every thread's state in /proc is T (stopped by a signal) or t (traced).</summary>
    private bool AllThreadsStopped()
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{Process.Id}/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread has exited
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state is not ("T" or "t")) return false;
        }
        return true;
    }

    /// <summary>SIGCONT.</summary>
    public void Resume() => Signal(SIGCONT);

    /// <summary>Last lines of the server log, for failure messages.</summary>
    public string LogTail(int lines = 30)
    {
        try { return string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)); }
        catch (IOException) { return "(no log)"; }
    }

    private void Signal(int sig)
    {
        if (kill(Process.Id, sig) != 0) throw new InvalidOperationException($"kill({Process.Id}, {sig}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}

/// <summary>
/// Starts 1 or 3 local servers on free 127.0.0.1 ports, each in its own temp dir, waits until all
/// serve, and kills them all by pid on Dispose (also on process exit, should a fixture be skipped).
/// </summary>
public sealed class LocalZooKeeperCluster : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Started = new();

    static LocalZooKeeperCluster()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var p in Started.Values) { try { p.Kill(); } catch (Exception) { } }
        };
    }

    private readonly string root;

    private LocalZooKeeperCluster(string root, IReadOnlyList<LocalZooKeeperServer> servers)
    {
        this.root = root;
        Servers = servers;
    }

    /// <summary>The members, in id order.</summary>
    public IReadOnlyList<LocalZooKeeperServer> Servers { get; }

    /// <summary>
    /// Starts <paramref name="size"/> servers (1 = standalone) and waits until every one serves.
    /// <paramref name="readOnlyMode"/> lets members that lose quorum serve reads (with local sessions).
    /// </summary>
    public static async Task<LocalZooKeeperCluster> StartAsync(int size, bool readOnlyMode = false)
    {
        var installation = ZooKeeperInstall.FindHere();
        var root = Directory.CreateTempSubdirectory("checker-zk-").FullName;
        const string host = "127.0.0.1";
        var ports = FreePorts(host, size * 3);
        var peers = size == 1 ? [] : Enumerable.Range(0, size)
            .Select(i => new ZooKeeperPeer(i + 1, host, ports[size + 2 * i], ports[size + 2 * i + 1])).ToList();

        var servers = new List<LocalZooKeeperServer>();
        var cluster = new LocalZooKeeperCluster(root, servers);
        try
        {
            for (int i = 0; i < size; i++)
            {
                var config = new ZooKeeperServerConfig(Path.Combine(root, $"zk{i + 1}"), host, ports[i]) { Id = i + 1, Ensemble = peers, LocalSessions = readOnlyMode };
                var cfgPath = config.WriteFiles();
                var log = Path.Combine(root, $"zk{i + 1}.log");
                var jvm = new List<string>(ZooKeeperInstall.DefaultJvmOptions) { $"-Dorg.slf4j.simpleLogger.logFile={log}" };
                if (readOnlyMode) jvm.Add(ZooKeeperInstall.ReadOnlyModeOption);
                var start = new ProcessStartInfo(installation.Java) { UseShellExecute = false };
                foreach (var arg in installation.ServerArguments(cfgPath, jvm)) start.ArgumentList.Add(arg);
                var process = Process.Start(start)!;
                Started[process.Id] = process;
                servers.Add(new LocalZooKeeperServer(config, process, log));
            }
            await Task.WhenAll(servers.Select(s => WaitServingAsync(s, TimeSpan.FromSeconds(60))));
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Kills every server by pid and removes the temp dir.</summary>
    public void Dispose()
    {
        foreach (var s in Servers)
        {
            try { s.Kill(); } catch (Exception) { }
            Started.TryRemove(s.Process.Id, out _);
            s.Process.Dispose();
        }
        try { Directory.Delete(this.root, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static async Task WaitServingAsync(LocalZooKeeperServer server, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (server.Process.HasExited)
                throw new InvalidOperationException($"ZooKeeper on port {server.Port} exited with {server.Process.ExitCode}:\n{server.LogTail()}");
            if (await ZooKeeperFourLetterWords.ModeAsync(server.Host, server.Port) is not null) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"ZooKeeper on port {server.Port} not serving after {limit}:\n{server.LogTail()}");
    }

    // Ports the OS hands out for bind(0), released right away; all distinct.
    private static int[] FreePorts(string host, int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Parse(host), 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
