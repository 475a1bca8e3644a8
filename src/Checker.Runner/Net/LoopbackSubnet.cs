namespace Checker.Runner.Net;

/// <summary>
/// One run's claim on 127.S.0.0/16. Local nodes (127.S.0.k and their proxies 127.S.a.b) and host
/// bridges (127.S.1.0/24, routed through the bridge by the local table) must never share S: a
/// bridge's route turns a local run's 127.S.1.b into an address no socket may bind. Random picks
/// alone collide now and then, so every claim holds an exclusive lock on a file named after S for as
/// long as it lives; the lock is the kernel's (flock), so it ends with the process however it ends.
/// </summary>
public sealed class LoopbackSubnet : IDisposable
{
    /// <summary>Where the lock files live; shared by every Checker process on the machine.</summary>
    static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "checker-loopback");

    readonly FileStream held;

    /// <summary>The second octet: this run owns 127.Octet.0.0/16.</summary>
    public int Octet { get; }

    LoopbackSubnet(int octet, FileStream held) { Octet = octet; this.held = held; }

    /// <summary>
    /// Claims an S in [20, 250), tried in random order, that no other claim holds and that isFree accepts (a check of
    /// what is on the machine now: a listening socket, an address, a route).
    /// </summary>
    public static LoopbackSubnet Claim(Func<int, bool> isFree)
    {
        Directory.CreateDirectory(LockDirectory);
        // Every user's runs share the directory and its files, as they share the addresses.
        ShareWithEveryone(LockDirectory, Everyone | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute | UnixFileMode.StickyBit);
        var octets = Enumerable.Range(20, 230).ToArray();
        Random.Shared.Shuffle(octets); // random, so runs started together rarely contend for one file
        foreach (var octet in octets)
        {
            if (TryLock(octet) is not { } held) continue;
            if (isFree(octet)) return new LoopbackSubnet(octet, held);
            held.Dispose();
        }
        throw new InvalidOperationException("no free 127.S.0.0/16 loopback subnet: every one tried is claimed by another run or in use");
    }

    /// <summary>The exclusive lock on S's file, or null when another claim holds it.</summary>
    static FileStream? TryLock(int octet)
    {
        var path = Path.Combine(LockDirectory, $"127.{octet}.lock");
        try
        {
            // FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) on the descriptor.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None);
            ShareWithEveryone(path, Everyone);
            return stream;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Sets the mode where this user may (the first user to make a file owns it).</summary>
    static void ShareWithEveryone(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        try { File.SetUnixFileMode(path, mode); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Releases the claim; the file stays, empty, for the next run.</summary>
    public void Dispose() => held.Dispose();
}
