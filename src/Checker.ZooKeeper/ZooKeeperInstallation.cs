using System.Diagnostics;

namespace Checker.ZooKeeper;

/// <summary>
/// Locates a Debian-packaged ZooKeeper server (package `zookeeper`, jars in /usr/share/java) and
/// builds the `java` command line that runs one server from a zoo.cfg. Used by the tests and the runner.
/// </summary>
public sealed class ZooKeeperInstallation
{
    /// <summary>Where Debian installs the jars.</summary>
    public const string DebianJavaDir = "/usr/share/java";

    /// <summary>Server entry point; runs standalone or as a quorum member depending on zoo.cfg.</summary>
    public const string MainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    /// <summary>
    /// The minimal classpath for a 3.8 server: ZooKeeper and Jute, slf4j with the simple backend
    /// (Debian's log4j wiring is not needed), the netty pieces the server links against even when
    /// it uses NIO, metrics-core and snappy (loaded by the server at start), commons-cli.
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredJars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar",
        "netty-handler.jar", "netty-common.jar", "netty-buffer.jar", "netty-transport.jar", "netty-codec.jar",
        "netty-resolver.jar", "netty-transport-native-epoll.jar", "netty-transport-native-unix-common.jar",
        "metrics-core.jar", "snappy-java.jar", "commons-cli.jar",
    ];

    private ZooKeeperInstallation(string javaPath, IReadOnlyList<string> classPath)
    {
        JavaPath = javaPath;
        ClassPath = classPath;
    }

    /// <summary>The java executable.</summary>
    public string JavaPath { get; }

    /// <summary>Absolute jar paths, in classpath order.</summary>
    public IReadOnlyList<string> ClassPath { get; }

    /// <summary>The classpath as one -cp argument.</summary>
    public string ClassPathArgument => string.Join(':', ClassPath);

    /// <summary>Finds java and all <see cref="RequiredJars"/>; null (with the reason) if anything is missing.</summary>
    public static ZooKeeperInstallation? TryFind(out string? missing, string javaDir = DebianJavaDir)
    {
        string? java = FindJava();
        var jars = RequiredJars.Select(j => Path.Combine(javaDir, j)).ToList();
        var absent = jars.Where(j => !File.Exists(j)).ToList();
        if (java is null) absent.Insert(0, "java (set JAVA_HOME or put it on PATH)");
        missing = absent.Count == 0 ? null : "missing: " + string.Join(", ", absent) + " (apt-get install zookeeper)";
        return missing is null ? new ZooKeeperInstallation(java!, jars) : null;
    }

    /// <summary>Like <see cref="TryFind"/> but throws with the reason.</summary>
    public static ZooKeeperInstallation Find(string javaDir = DebianJavaDir) =>
        TryFind(out var missing, javaDir) ?? throw new InvalidOperationException("ZooKeeper installation not usable: " + missing);

    /// <summary>
    /// JVM arguments to run one server: small serial-GC heap (test machines are small), slf4j-simple
    /// logging to <paramref name="logFile"/> instead of stderr, any <paramref name="jvmOptions"/>
    /// (e.g. <see cref="ReadOnlyModeOption"/>), then the main class and the config.
    /// </summary>
    public IReadOnlyList<string> ServerArguments(string configPath, string? logFile = null, IEnumerable<string>? jvmOptions = null, string maxHeap = "256m")
    {
        var args = new List<string> { $"-Xmx{maxHeap}", "-XX:+UseSerialGC", "-Dzookeeper.admin.enableServer=false" };
        if (logFile is not null) args.Add($"-Dorg.slf4j.simpleLogger.logFile={logFile}");
        if (jvmOptions is not null) args.AddRange(jvmOptions);
        args.AddRange(["-cp", ClassPathArgument, MainClass, configPath]);
        return args;
    }

    /// <summary>
    /// JVM option that lets a member which lost its quorum keep serving reads (a system property,
    /// not a zoo.cfg key). Clients must connect with CanBeReadOnly to use such a server.
    /// </summary>
    public const string ReadOnlyModeOption = "-Dreadonlymode.enabled=true";

    /// <summary>The whole command as one POSIX-shell-quoted line (for ssh or scripts).</summary>
    public string ServerCommandLine(string configPath, string? logFile = null, IEnumerable<string>? jvmOptions = null) =>
        string.Join(' ', new[] { JavaPath }.Concat(ServerArguments(configPath, logFile, jvmOptions)).Select(ShellQuote));

    /// <summary>A start info for <see cref="Process.Start(ProcessStartInfo)"/>; output is not redirected (it goes to the log file).</summary>
    public ProcessStartInfo CreateServerStartInfo(string configPath, string? logFile = null, IEnumerable<string>? jvmOptions = null)
    {
        var info = new ProcessStartInfo(JavaPath) { UseShellExecute = false };
        foreach (var arg in ServerArguments(configPath, logFile, jvmOptions)) info.ArgumentList.Add(arg);
        return info;
    }

    private static string? FindJava()
    {
        var home = Environment.GetEnvironmentVariable("JAVA_HOME");
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(home)) candidates.Add(Path.Combine(home, "bin", "java"));
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            candidates.Add(Path.Combine(dir, "java"));
        candidates.Add("/usr/bin/java");
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string ShellQuote(string s) =>
        s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=+,@".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
