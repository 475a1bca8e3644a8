using System.Runtime.InteropServices;

namespace Checker.Runner.Nodes;

/// <summary>The few POSIX calls .NET lacks: arbitrary signals and process identity.</summary>
public static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    /// <summary>Sends sig to pid; false when the process does not exist.</summary>
    public static bool Signal(int pid, int sig) => Kill(pid, sig) == 0;

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or -1 if it is gone.
    /// A pid with a different start time is a different process that reused the number.</summary>
    public static long StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(afterName[19], System.Globalization.CultureInfo.InvariantCulture); // field 22; fields start at 3 here
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    /// <summary>True when the pid is alive (and not a zombie) with that start time.</summary>
    public static bool IsAlive(int pid, long startTime)
    {
        var t = StartTime(pid);
        if (t < 0 || t != startTime) return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException) { return false; }
    }
}
