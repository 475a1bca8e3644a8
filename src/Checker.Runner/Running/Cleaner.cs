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
            foreach (var p in run.Processes)
            {
                if (!Posix.IsAlive(p.Pid, p.StartTime)) continue;
                Posix.Signal(p.Pid, (int)NodeSignal.Cont);
                Posix.Signal(p.Pid, (int)NodeSignal.Kill);
                for (var i = 0; i < 300 && Posix.IsAlive(p.Pid, p.StartTime); i++) await Task.Delay(10);
                actions.Add($"run {run.RunId}: stopped {p.Name} on {p.Node} (pid {p.Pid})");
            }
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
