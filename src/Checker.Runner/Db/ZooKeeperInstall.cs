using System.Diagnostics;

namespace Checker.Runner.Db;

/// <summary>A ZooKeeper server that can be started: the java binary and the class path.</summary>
/// <param name="Source">Where it was found, for the log and results.</param>
public sealed record ZooKeeperInstall(string Java, IReadOnlyList<string> ClassPath, string Source)
{
    public const string MainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    const string DebianJars = "/usr/share/java";

    /// <summary>
    /// Finds ZooKeeper: the candidate the user passed (a directory or .tar.gz), else ZOOKEEPER_HOME, else
    /// Debian's jars; as root with none found, installs Debian's zookeeper package.
    /// </summary>
    public static ZooKeeperInstall Find(string? candidate, string unpackDir, Action<string>? log = null)
    {
        var java = FindJava() ?? throw new EnvironmentException(
            "no java found: install a JRE (apt-get install default-jre-headless) or set JAVA_HOME");
        if (candidate is not null)
        {
            var dir = File.Exists(candidate) ? Unpack(candidate, unpackDir) : candidate;
            return FromDirectory(java, dir) ?? throw new EnvironmentException(
                $"'{candidate}' holds no ZooKeeper jars (expected lib/*.jar or zookeeper-*.jar)");
        }
        if (Environment.GetEnvironmentVariable("ZOOKEEPER_HOME") is { Length: > 0 } home)
            return FromDirectory(java, home) ?? throw new EnvironmentException($"ZOOKEEPER_HOME={home} holds no ZooKeeper jars");
        if (FromDebian(java) is { } debian) return debian;
        if (Nodes.Posix.IsRoot)
        {
            log?.Invoke("no ZooKeeper found; installing Debian's zookeeper package");
            Run("apt-get", "install", "-y", "--no-install-recommends", "zookeeper");
            if (FromDebian(java) is { } installed) return installed;
        }
        throw new EnvironmentException(
            "no ZooKeeper found: install Debian's package (sudo apt-get install zookeeper), set ZOOKEEPER_HOME, " +
            "or pass a ZooKeeper directory or .tar.gz with --db.install");
    }

    /// <summary>Debian's jars, found by the ZooKeeper client library's installation helper.</summary>
    static ZooKeeperInstall? FromDebian(string java) =>
        Checker.ZooKeeper.ZooKeeperInstallation.TryFind(out _) is { } debian
            ? new ZooKeeperInstall(debian.JavaPath, debian.ClassPath, $"Debian ({DebianJars})")
            : null;

    /// <summary>A release layout (lib/*.jar, conf/) or a build directory with the jars at the top.</summary>
    static ZooKeeperInstall? FromDirectory(string java, string dir)
    {
        if (!Directory.Exists(dir)) return null;
        var roots = new[] { dir }.Concat(Directory.GetDirectories(dir)).ToList(); // an archive unpacks into one top folder
        foreach (var root in roots)
        {
            var jars = new[] { root, Path.Combine(root, "lib") }
                .Where(Directory.Exists)
                .SelectMany(d => Directory.GetFiles(d, "*.jar"))
                .ToList();
            if (!jars.Any(j => Path.GetFileName(j).StartsWith("zookeeper", StringComparison.Ordinal))) continue;
            var cp = new List<string>();
            if (Directory.Exists(Path.Combine(root, "conf"))) cp.Add(Path.Combine(root, "conf"));
            cp.AddRange(jars.Order(StringComparer.Ordinal));
            return new ZooKeeperInstall(java, cp, Path.GetFullPath(root));
        }
        return null;
    }

    static string Unpack(string archive, string into)
    {
        Directory.CreateDirectory(into);
        Run("tar", "-xzf", archive, "-C", into);
        return into;
    }

    static string? FindJava()
    {
        if (Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } jh && File.Exists(Path.Combine(jh, "bin", "java")))
            return Path.Combine(jh, "bin", "java");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
            if (File.Exists(Path.Combine(dir, "java"))) return Path.Combine(dir, "java");
        return null;
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
