using Checker.Runner.Net;

namespace Checker.Nodes.Net;

/// <summary>
/// One run's claim on 127.S.0.0/16. Local nodes (127.S.0.k and their proxies 127.S.a.b) and host
/// bridges (127.S.1.0/24, routed through the bridge by the local table) must never share S: a
/// bridge's route turns a local run's 127.S.1.b into an address no socket may bind. Random picks
/// alone collide now and then, so every claim holds an exclusive lock on a file named after S for as
/// long as it lives; the lock is the kernel's (flock), so it ends with the process however it ends.
/// The files are root's, in /run/checker/loopback, made once for every S; other users lock them there too
/// (a lock needs only reading), or, where root never made them, their own in their state folder. No file
/// is ever made or changed in a folder another user could write.
/// </summary>
public sealed class LoopbackSubnet : IDisposable
{
    /// <summary>Root's lock files, which every user's runs lock.</summary>
    const string SharedDirectory = "/run/checker/loopback";

    const int First = 20,
        Count = 230;

    readonly FileStream held;

    /// <summary>The second octet: this run owns 127.Octet.0.0/16.</summary>
    public int Octet { get; }

    LoopbackSubnet(int octet, FileStream held)
    {
        Octet = octet;
        this.held = held;
    }

    /// <summary>
    /// Claims an S in [20, 250), tried in random order, that no other claim holds and that isFree accepts (a check of
    /// what is on the machine now: a listening socket, an address, a route).
    /// </summary>
    public static LoopbackSubnet Claim(Func<int, bool> isFree)
    {
        var directory = LockDirectory();
        var octets = Enumerable.Range(First, Count).ToArray();
        Random.Shared.Shuffle(octets); // random, so runs started together rarely contend for one file
        foreach (var octet in octets)
        {
            if (TryLock(directory, octet) is not { } held)
                continue;
            if (isFree(octet))
                return new LoopbackSubnet(octet, held);
            held.Dispose();
        }
        throw new InvalidOperationException(
            "no free 127.S.0.0/16 loopback subnet: every one tried is claimed by another run or in use"
        );
    }

    /// <summary>
    /// Root makes (or checks) its folder and a file for every S, readable by all; another user locks those when they
    /// are root's and only root may change them, else files of its own in its state folder.
    /// </summary>
    static string LockDirectory()
    {
        const UnixFileMode everyoneReads =
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode everyoneEnters =
            UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if (Checker.Runner.Nodes.Posix.EffectiveUser == 0)
        {
            var shared = Checker.Runner.Running.StateFolders.Own(SharedDirectory, everyoneReads | everyoneEnters);
            for (var octet = First; octet < First + Count; octet++)
            {
                var path = LockFile(shared, octet);
                if (Checker.Runner.Nodes.Posix.Ownership(path, followLink: false) is not null)
                    continue;
                var create = new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.ReadWrite,
                    UnixCreateMode = everyoneReads,
                };
                try
                {
                    new FileStream(path, create).Dispose();
                }
                catch (IOException) { } // another run made it meanwhile
            }
            return shared;
        }
        if (Checker.Runner.Running.StateFolders.Distrust(SharedDirectory, directory: true) is null)
            return SharedDirectory;
        return Checker.Runner.Running.StateFolders.Own(Checker.Runner.Running.StateFolders.Loopback);
    }

    static string LockFile(string directory, int octet) => Path.Combine(directory, $"127.{octet}.lock");

    /// <summary>The exclusive lock on S's file, or null when another claim holds it (or it is not a file to trust).
    /// </summary>
    static FileStream? TryLock(string directory, int octet)
    {
        var path = LockFile(directory, octet);
        var own = directory != SharedDirectory || Checker.Runner.Nodes.Posix.EffectiveUser == 0;
        var there = Checker.Runner.Nodes.Posix.Ownership(path, followLink: false) is not null;
        if (there && Checker.Runner.Running.StateFolders.Distrust(path) is not null)
            return null;
        try
        {
            // FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) on the descriptor; reading is all a lock needs.
            return new FileStream(path, own ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Releases the claim; the file stays, empty, for the next run.</summary>
    public void Dispose() => held.Dispose();
}
