using Checker.Runner.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Running;

/// <summary>A process a run started, as remembered on disk.</summary>
/// <param name="Host">The node's address: where the process runs.</param>
public sealed record RegisteredProcess(string Node, string Host, string Name, int Pid, long StartTime);

/// <summary>What `checker clean` needs to know about one run: who ran it, on which kind of nodes, and what it
/// started.</summary>
/// <param name="Provider">The node provider's name (nodes.provider): it knows how to reach the processes to stop
/// them.</param>
/// <param name="Reach">What the provider wrote down to reach its nodes again (INodeKind.Reach), never a
/// password.</param>
public sealed record RegisteredRun(
    string RunId,
    int RunnerPid,
    long RunnerStartTime,
    string? RunDir,
    string? NodesRoot,
    string Provider,
    List<RegisteredProcess> Processes,
    JObject? Reach = null
);

/// <summary>
/// The runs registry: one JSON file per live run (default StateFolders.Runs: /run/checker/runs for root;
/// or CHECKER_RUNS_DIR), rewritten whenever the run starts a process and deleted when it ends cleanly. A file
/// whose runner is gone marks leftovers for `checker clean`. What a file names, clean stops and removes, so a
/// registry folder or file another user could have written is never read, nor is one that does not parse.
/// </summary>
public sealed class RunRegistry
{
    readonly object gate = new();
    readonly RegisteredRun run;
    readonly string path;

    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("CHECKER_RUNS_DIR") is { Length: > 0 } d ? d : StateFolders.Runs;

    public RunRegistry(
        string directory,
        string runId,
        string? runDir,
        string? nodesRoot,
        string provider,
        JObject? reach = null
    )
    {
        directory = StateFolders.Own(directory);
        var self = Environment.ProcessId;
        run = new RegisteredRun(runId, self, Posix.StartTime(self), runDir, nodesRoot, provider, [], reach);
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
        lock (gate)
            File.Delete(path);
    }

    void Save()
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonConvert.SerializeObject(run, Formatting.Indented));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// The registered runs. A file that is not to be trusted (another user's, or writable by others) or that is not
    /// a registry entry (it does not parse, or lacks what an entry holds) is skipped, with a line in skipped saying
    /// why. A registry folder that is not to be trusted is refused (UnsafeStateException).
    /// </summary>
    public static List<(string Path, RegisteredRun Run)> List(string directory, List<string>? skipped = null)
    {
        if (Posix.Ownership(directory, followLink: false) is null)
            return [];
        if (StateFolders.Distrust(directory, directory: true) is { } unsafeFolder)
            throw new UnsafeStateException(
                $"runs registry {directory}: {unsafeFolder}; Checker will not act on what it names"
            );
        var runs = new List<(string, RegisteredRun)>();
        foreach (var file in Directory.GetFiles(directory, "*.json"))
        {
            if (StateFolders.Distrust(file) is { } why)
            {
                skipped?.Add($"skipped {file}: {why}");
                continue;
            }
            try
            {
                var run = Read(File.ReadAllText(file));
                if (Invalid(run) is { } problem)
                    skipped?.Add($"skipped {file}: not a registry entry ({problem})");
                else
                    runs.Add((file, run!));
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                // Half-written by a dying runner, or not Checker's.
                skipped?.Add($"skipped {file}: not a registry entry ({e.Message})");
            }
        }
        return runs;
    }

    static readonly HashSet<string> EntryFields = typeof(RegisteredRun)
        .GetProperties()
        .Select(p => p.Name)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// An entry as written; one of an earlier version, which kept the provider's fields at its top level (Ssh,
    /// DockerHost), has them read as its Reach, where the providers look for them now.
    /// </summary>
    static RegisteredRun? Read(string text)
    {
        if (JToken.Parse(text) is not JObject entry)
            return null;
        var run = entry.ToObject<RegisteredRun>();
        if (run is null || run.Reach is not null)
            return run;
        var legacy = new JObject(
            entry.Properties().Where(p => !EntryFields.Contains(p.Name) && p.Value.Type != JTokenType.Null)
        );
        return legacy.Count > 0 ? run with { Reach = legacy } : run;
    }

    /// <summary>What an entry lacks that every run writes, or null when it is whole.</summary>
    static string? Invalid(RegisteredRun? r) =>
        r switch
        {
            null => "empty",
            { RunId: null or "" } => "no runId",
            { RunnerPid: <= 0 } => "no runnerPid",
            { Provider: null or "" } => "no provider",
            { Processes: null } => "no processes",
            { NodesRoot: { } root } when !Path.IsPathRooted(root) => "nodesRoot is not an absolute path",
            _ when r.Processes.Any(p =>
                    p is null || p.Node is null || p.Host is null || p.Name is null || p.Pid <= 0
                ) => "a process lacks its node, host, name or pid",
            _ => null,
        };
}
