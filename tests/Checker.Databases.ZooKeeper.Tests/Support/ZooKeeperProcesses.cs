namespace Checker.Databases.ZooKeeper.Tests.Support;

/// <summary>The ZooKeeper servers of a run that are still on this machine.</summary>
public static class ZooKeeperProcesses
{
    /// <summary>
    /// Processes whose command line carries the run's marker (ZooKeeper servers are started with
    /// -Dchecker.run=ID).
    /// </summary>
    public static List<int> Of(string runId)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                // The whole argument (arguments end in NUL): one run's id may begin another's.
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains($"-Dchecker.run={runId}\0"))
                    found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
