using Checker.Runner.Nodes;

namespace Checker.Runner.Running;

/// <summary>
/// Stops what earlier runs left behind: the node processes recorded in the runs registry whose runner
/// is gone. Only a pid with the recorded start time is signalled, so a reused pid is never touched.
/// (The proxies live inside the runner process and die with it.)
/// </summary>
public static class Cleaner
{
    /// <summary>Cleans every dead run (and live ones too when force); returns one line per action.</summary>
    public static async Task<List<string>> CleanAsync(string registryDir, bool force = false)
    {
        var actions = new List<string>();
        foreach (var (file, run) in RunRegistry.List(registryDir))
        {
            if (!force && Posix.IsAlive(run.RunnerPid, run.RunnerStartTime))
            {
                actions.Add($"run {run.RunId}: still running (runner pid {run.RunnerPid}); left alone (--force stops it too)");
                continue;
            }
            if (run.Provider != "local")
            {
                actions.Add($"run {run.RunId}: cannot clean {run.Provider} nodes; left alone");
                continue;
            }
            foreach (var p in run.Processes)
                if (await LocalNodeProvider.StopLeftoverAsync(p.Pid, p.StartTime))
                    actions.Add($"run {run.RunId}: stopped {p.Name} on {p.Node} (pid {p.Pid})");
            if (run.NodesRoot is { } root && Directory.Exists(root))
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                    actions.Add($"run {run.RunId}: removed {root}");
                }
                catch (IOException e) { actions.Add($"run {run.RunId}: could not remove {root}: {e.Message}"); }
            }
            File.Delete(file);
        }
        return actions;
    }
}
