using Checker.Runner.Nodes;
using Newtonsoft.Json;

namespace Checker.Runner.Running;

/// <summary>A process a run started, as remembered on disk.</summary>
/// <param name="Host">The node's address: where the process runs.</param>
public sealed record RegisteredProcess(string Node, string Host, string Name, int Pid, long StartTime);

/// <summary>What `checker clean` needs to know about one run: who ran it, on which kind of nodes, and what it started.</summary>
/// <param name="Provider">The node provider's kind ("local", "ssh"): how to reach the processes to stop them.</param>
/// <param name="Ssh">For SSH nodes, how to reach them again (never a password: clean then asks for a key).</param>
/// <param name="DockerHost">For Docker nodes, the daemon their containers are on.</param>
public sealed record RegisteredRun(string RunId, int RunnerPid, long RunnerStartTime, string? RunDir, string? NodesRoot, string Provider,
    List<RegisteredProcess> Processes, Spec.NodesSpec? Ssh = null, string? DockerHost = null);

/// <summary>
/// The runs registry: one JSON file per live run (default /tmp/checker-runs, or CHECKER_RUNS_DIR),
/// rewritten whenever the run starts a process and deleted when it ends cleanly. A file whose runner
/// is gone marks leftovers for `checker clean`.
/// </summary>
public sealed class RunRegistry
{
    readonly object gate = new();
    readonly RegisteredRun run;
    readonly string path;

    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("CHECKER_RUNS_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "checker-runs");

    public RunRegistry(string directory, string runId, string? runDir, string? nodesRoot, string provider, Spec.NodesSpec? ssh = null, string? dockerHost = null)
    {
        Directory.CreateDirectory(directory);
        var self = Environment.ProcessId;
        run = new RegisteredRun(runId, self, Posix.StartTime(self), runDir, nodesRoot, provider, [],
            ssh is null ? null : new Spec.NodesSpec { Provider = "ssh", Hosts = ssh.Hosts, User = ssh.User, Port = ssh.Port, PrivateKey = ssh.PrivateKey, KnownHosts = ssh.KnownHosts, Sudo = ssh.Sudo },
            dockerHost);
        path = Path.Combine(directory, $"{runId}.json");
        Save();
    }

    /// <summary>Remembers a started process (called before the run relies on it).</summary>
    public void Add(NodeProcess p)
    {
        lock (gate)
        {
            run.Processes.Add(new RegisteredProcess(p.Node.Name, p.Node.Address, p.Name, p.Pid, p.StartTime));
            Save();
        }
    }

    /// <summary>The run ended and cleaned up after itself.</summary>
    public void Remove()
    {
        lock (gate) File.Delete(path);
    }

    void Save()
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonConvert.SerializeObject(run, Formatting.Indented));
        File.Move(tmp, path, overwrite: true);
    }

    public static List<(string Path, RegisteredRun Run)> List(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var runs = new List<(string, RegisteredRun)>();
        foreach (var file in Directory.GetFiles(directory, "*.json"))
        {
            try
            {
                if (JsonConvert.DeserializeObject<RegisteredRun>(File.ReadAllText(file)) is { } r) runs.Add((file, r));
            }
            catch (Exception e) when (e is JsonException or IOException) { } // half-written by a dying runner: skip
        }
        return runs;
    }
}
