using System.Diagnostics;
using Checker.Runner.Db;

namespace Checker.Runner.Databases.Etcd;

/// <summary>An etcd server binary that can be started, and where it was found (for the log and results).</summary>
public sealed record EtcdInstall(string Binary, string Source)
{
    public const string DebianBinary = "/usr/bin/etcd";

    /// <summary>
    /// Finds etcd: the candidate the user passed (the binary, a directory holding it, or a release
    /// .tar.gz), else ETCD_BIN, else Debian's /usr/bin/etcd; as root with none found, installs
    /// Debian's etcd-server package.
    /// </summary>
    public static EtcdInstall Find(string? candidate, string unpackDir, Action<string>? log = null)
    {
        if (candidate is not null)
        {
            var place = File.Exists(candidate) && IsArchive(candidate) ? Unpack(candidate, unpackDir) : candidate;
            return FromPath(place) ?? throw new EnvironmentException(
                $"'{candidate}' holds no etcd binary (expected the binary itself, DIR/etcd, DIR/bin/etcd, or a release .tar.gz)");
        }
        if (Environment.GetEnvironmentVariable("ETCD_BIN") is { Length: > 0 } bin)
            return FromPath(bin) ?? throw new EnvironmentException($"ETCD_BIN={bin} is no executable etcd binary");
        if (FromPath(DebianBinary) is { } debian) return debian with { Source = "Debian (etcd-server)" };
        if (Nodes.Posix.IsRoot)
        {
            log?.Invoke("no etcd found; installing Debian's etcd-server package");
            Run("apt-get", "install", "-y", "--no-install-recommends", "etcd-server");
            if (FromPath(DebianBinary) is { } installed) return installed with { Source = "Debian (etcd-server)" };
        }
        throw new EnvironmentException(
            "no etcd found: install Debian's package (sudo apt-get install etcd-server), set ETCD_BIN, " +
            "or pass an etcd binary, directory or release .tar.gz with --db.install");
    }

    static bool IsArchive(string path) => path.EndsWith(".tar.gz", StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal);

    /// <summary>The binary itself, or DIR/etcd or DIR/bin/etcd one folder down (a release unpacks into one top folder).</summary>
    static EtcdInstall? FromPath(string path)
    {
        if (File.Exists(path)) return IsExecutable(path) ? new EtcdInstall(Path.GetFullPath(path), Path.GetFullPath(path)) : null;
        if (!Directory.Exists(path)) return null;
        foreach (var root in new[] { path }.Concat(Directory.GetDirectories(path)))
            foreach (var bin in new[] { Path.Combine(root, "etcd"), Path.Combine(root, "bin", "etcd") })
                if (File.Exists(bin) && IsExecutable(bin)) return new EtcdInstall(Path.GetFullPath(bin), Path.GetFullPath(root));
        return null;
    }

    static bool IsExecutable(string file) => !OperatingSystem.IsWindows() &&
        (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    static string Unpack(string archive, string into)
    {
        Directory.CreateDirectory(into);
        Run("tar", "-xzf", archive, "-C", into);
        return into;
    }

    static void Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new EnvironmentException($"{command} {string.Join(' ', args)} failed ({p.ExitCode}): {error.Trim()} {output.Result.Trim()}");
    }
}
