using Checker.Runner.Nodes;

namespace Checker.Runner.Running;

/// <summary>
/// Stops what earlier runs left behind: the node processes recorded in the runs registry whose runner
/// is gone. Only a pid with the recorded start time is signalled, so a reused pid is never touched.
/// (The proxies live inside the runner process and die with it.) On SSH hosts it reconnects, stops the
/// recorded servers, removes Checker's iptables chain and shaping, and the run's node folders. Docker
/// nodes: the run's containers (found by their checker.run label) are removed, then its veths and bridge.
/// </summary>
public static class Cleaner
{
    /// <summary>Removes the run's containers; false (the entry kept for another try) when the daemon cannot be reached.</summary>
    static async Task<bool> CleanDockerAsync(RegisteredRun run, List<string> actions)
    {
        if (run.NodesRoot is not { } root) return true;
        var endpoint = run.DockerHost ?? Nodes.Docker.DockerDaemon.Endpoint;
        try
        {
            using var client = await Nodes.Docker.DockerDaemon.ConnectAsync(endpoint, CancellationToken.None);
            foreach (var name in await Nodes.Docker.DockerNodeProvider.RemoveContainersAsync(client, Nodes.Docker.DockerNodeProvider.RunLabelOf(root)))
                actions.Add($"run {run.RunId}: removed container {name}");
            return true;
        }
        catch (Exception e) when (e is Nodes.Docker.DockerNodeException or global::Docker.DotNet.DockerApiException)
        {
            actions.Add($"run {run.RunId}: could not remove its containers: {e.Message}");
            return false;
        }
    }

    static async Task<bool> CleanSshAsync(RegisteredRun run, List<string> actions)
    {
        if (run.Ssh is not { } spec || run.NodesRoot is not { } root) return true;
        try
        {
            await using var nodes = await Nodes.Ssh.SshNodeProvider.ConnectAsync(NodeProviders.SshOptionsOf(spec, root), CancellationToken.None);
            foreach (var p in run.Processes)
            {
                var node = nodes.Nodes.First(n => n.Name == p.Node);
                var process = new NodeProcess(node, p.Name, p.Pid, p.StartTime);
                if (!await nodes.IsRunningAsync(process, CancellationToken.None)) continue;
                await nodes.StopAsync(process, CancellationToken.None);
                actions.Add($"run {run.RunId}: stopped {p.Name} on {p.Node} ({p.Host}, pid {p.Pid})");
            }
            foreach (var node in nodes.Nodes)
                await nodes.RunAsync(node, "sh", ["-c", Net.IptablesNetwork.CleanScript], CancellationToken.None);
            actions.Add($"run {run.RunId}: removed Checker's iptables chain and shaping, and {root}, on {string.Join(", ", spec.Hosts)}");
            return true; // disposing the provider removes the nodes' folders
        }
        catch (Exception e) when (e is Nodes.Ssh.SshNodeException or Nodes.Ssh.CommandOutcomeUnknownException)
        {
            actions.Add($"run {run.RunId}: could not clean the SSH hosts: {e.Message}");
            return false;
        }
    }

    /// <summary>Cleans every dead run (and live ones too when force); returns one line per action.</summary>
    public static async Task<List<string>> CleanAsync(string registryDir, bool force = false)
    {
        var actions = new List<string>();
        foreach (var (file, run) in RunRegistry.List(registryDir, actions))
        {
            if (!force && Posix.IsAlive(run.RunnerPid, run.RunnerStartTime))
            {
                actions.Add($"run {run.RunId}: still running (runner pid {run.RunnerPid}); left alone (--force stops it too)");
                continue;
            }
            if (run.Provider == "ssh")
            {
                if (!await CleanSshAsync(run, actions)) continue; // a host is unreachable: keep the entry for another try
                File.Delete(file);
                continue;
            }
            if (run.Provider == "docker" && !await CleanDockerAsync(run, actions)) continue;
            foreach (var p in run.Processes)
                if (await LocalNodeProvider.StopLeftoverAsync(p.Pid, p.StartTime))
                    actions.Add($"run {run.RunId}: stopped {p.Name} on {p.Node} (pid {p.Pid})");
            if (run.NodesRoot is { } hostsRoot && File.Exists(NetnsNodeProvider.StateFileOf(hostsRoot)))
                foreach (var line in await Hosts.HostBridge.CleanAsync(NetnsNodeProvider.StateFileOf(hostsRoot)))
                    actions.Add($"run {run.RunId}: {line}");
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
