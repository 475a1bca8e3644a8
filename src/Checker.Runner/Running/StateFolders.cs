using Checker.Runner.Nodes;

namespace Checker.Runner.Running;

/// <summary>A folder or file of Checker's state that another user could have made or could change.</summary>
public sealed class UnsafeStateException(string message) : Exception(message);

/// <summary>
/// Where Checker keeps what its processes share: the runs registry, the SSH lab, the loopback claims. Root acts on
/// what these name (processes, namespaces, containers, hosts, keys), so root's state lives where only root can write,
/// /run/checker; another user's in $XDG_RUNTIME_DIR/checker, or /tmp/checker-UID without one. As sshd's StrictModes
/// does, a folder or file owned by another user, or that others may write, is refused, wherever it is (a folder
/// given by flag or environment too).
/// </summary>
public static class StateFolders
{
    /// <summary>The folder every default below lives in.</summary>
    public static string Base
    {
        get
        {
            var user = Posix.EffectiveUser;
            if (user == 0)
                return "/run/checker";
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            return runtime is { Length: > 0 } && Path.IsPathRooted(runtime)
                ? Path.Combine(runtime, "checker")
                : Path.Combine(Path.GetTempPath(), $"checker-{user}");
        }
    }

    public static string Runs => Path.Combine(Base, "runs");
    public static string Lab => Path.Combine(Base, "lab");
    public static string Loopback => Path.Combine(Base, "loopback");

    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Makes the folder (only its owner may enter it; with mode, that mode) or, when it is there, makes sure it is
    /// this user's: a folder, not a link, owned by this user, writable by no one else, under folders that only their
    /// owner (this user or root) may change, or that are sticky like /tmp. Returns its full path.
    /// </summary>
    public static string Own(string folder, UnixFileMode mode = OwnerOnly)
    {
        folder = Path.GetFullPath(folder);
        CheckAncestors(folder);
        if (Posix.Ownership(folder, followLink: false) is null)
        {
            var parent = Path.GetDirectoryName(folder);
            if (parent is not null && Posix.Ownership(parent, followLink: true) is null)
                Directory.CreateDirectory(parent);
            try
            {
                Directory.CreateDirectory(folder, mode);
            }
            catch (IOException) { } // made meanwhile: judged below like any folder found there
        }
        if (Distrust(folder, directory: true) is { } why)
            throw Refused(folder, why);
        return folder;
    }

    /// <summary>
    /// Why a file or folder of Checker's state must not be trusted, or null when it may: it must be what is expected
    /// (not a link), owned by this user (or by root, whom every user trusts), and writable by no one else.
    /// </summary>
    public static string? Distrust(string path, bool directory = false)
    {
        if (Posix.Ownership(path, followLink: false) is not { } o)
            return "it is not there";
        if (o.IsLink)
            return "it is a symbolic link";
        if (directory && !o.IsDirectory)
            return "it is not a folder";
        if (!directory && !o.IsRegularFile)
            return "it is not a regular file";
        if (o.Owner != Posix.EffectiveUser && o.Owner != 0)
            return $"it is owned by another user (uid {o.Owner})";
        if (o.WritableByOthers)
            return $"others may write it (mode {Octal(o.Mode)})";
        return null;
    }

    /// <summary>
    /// Every folder above must be changeable only by this user or root, or be sticky (then others cannot rename
    /// what is ours).
    /// </summary>
    static void CheckAncestors(string folder)
    {
        for (var dir = Path.GetDirectoryName(folder); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Posix.Ownership(dir, followLink: true) is not { } o)
                continue; // made below, by this user
            if (o.Owner != Posix.EffectiveUser && o.Owner != 0)
                throw Refused(folder, $"the folder above it, {dir}, is owned by another user (uid {o.Owner})");
            if (o.WritableByOthers && !o.Sticky)
                throw Refused(folder, $"others may write the folder above it, {dir} (mode {Octal(o.Mode)})");
        }
    }

    static UnsafeStateException Refused(string folder, string why) => new($"{folder}: {why}; Checker will not use it");

    static string Octal(uint mode) => Convert.ToString(mode & 0xFFF, 8);
}
