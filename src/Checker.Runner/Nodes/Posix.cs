using System.Runtime.InteropServices;

namespace Checker.Runner.Nodes;

/// <summary>The few POSIX calls .NET lacks: arbitrary signals and process identity.</summary>
public static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    /// <summary>The user this process acts as (0: root).</summary>
    public static uint EffectiveUser => GetEuid();

    /// <summary>A file's owner and mode (type bits included), as stat (or lstat, not following a link) gives.</summary>
    public readonly record struct FileOwnership(uint Owner, uint Mode)
    {
        public bool IsLink => (Mode & 0xF000) == 0xA000;
        public bool IsDirectory => (Mode & 0xF000) == 0x4000;
        public bool IsRegularFile => (Mode & 0xF000) == 0x8000;

        /// <summary>Group or others may write it.</summary>
        public bool WritableByOthers => (Mode & 0b000_010_010) != 0;
        public bool Sticky => (Mode & 0x200) != 0;
    }

    /// <summary>
    /// The owner and mode of path (of a link itself when followLink is false), or null when there is nothing there.
    /// </summary>
    public static FileOwnership? Ownership(string path, bool followLink)
    {
        // struct stat as Linux lays it out: st_mode and st_uid sit at 24 and 28 on x86-64, at 16 and 24 elsewhere
        // (the generic layout, arm64's).
        var (modeAt, uidAt) = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? (24, 28) : (16, 24);
        var buffer = new byte[256];
        if ((followLink ? Stat(path, buffer) : LStat(path, buffer)) != 0)
            return null;
        return new FileOwnership(BitConverter.ToUInt32(buffer, uidAt), BitConverter.ToUInt32(buffer, modeAt));
    }

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
            // field 22; fields start at 3 here
            return long.Parse(afterName[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e)
            when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    /// <summary>True when the pid is alive (and not a zombie) with that start time.</summary>
    public static bool IsAlive(int pid, long startTime)
    {
        var t = StartTime(pid);
        if (t < 0 || t != startTime)
            return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
