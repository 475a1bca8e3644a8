using Checker.Runner.Nodes;

namespace Checker.Runner.Running;

/// <summary>
/// Stops what earlier runs left behind: the node processes recorded in the runs registry whose runner
/// is gone. Only a pid with the recorded start time is signalled, so a reused pid is never touched.
/// (The proxies live inside the runner process and die with it.) Each run's node provider, as the entry
/// names it, does the work on its nodes (INodeKind.CleanAsync): a provider that cannot reach them keeps
/// the entry for another try.
/// </summary>
public static class Cleaner
{
    /// <summary>Cleans every dead run (and live ones too when force); returns one line per action.</summary>
    public static async Task<List<string>> CleanAsync(string registryDir, bool force = false)
    {
        var actions = new List<string>();
        foreach (var (file, run) in RunRegistry.List(registryDir, actions))
        {
            if (!force && Posix.IsAlive(run.RunnerPid, run.RunnerStartTime))
            {
                actions.Add(
                    $"run {run.RunId}: still running (runner pid {run.RunnerPid}); left alone (--force stops it too)"
                );
                continue;
            }
            if (NodeProviders.Find(run.Provider) is not { } provider)
            {
                actions.Add($"run {run.RunId}: its node provider '{run.Provider}' is not known here; left alone");
                continue;
            }
            if (!await provider.CleanAsync(run, actions))
                continue; // nodes unreachable: keep the entry for another try
            File.Delete(file);
        }
        return actions;
    }
}
