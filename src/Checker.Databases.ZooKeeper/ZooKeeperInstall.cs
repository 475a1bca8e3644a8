using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// A ZooKeeper server a node can start: java and the class path, as paths on that node, and the one
/// command line every launcher uses (the runner's nodes and the client library's tests alike).
/// </summary>
/// <param name="Source">Where it was found, for the log and results.</param>
public sealed record ZooKeeperInstall(string Java, IReadOnlyList<string> ClassPath, string Source)
{
    public const string MainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    public const string DebianJars = "/usr/share/java";

    /// <summary>
    /// The minimal class path of Debian's 3.8 server: ZooKeeper and Jute, slf4j with the simple backend
    /// (logging to stderr, which the launcher sends to the node's log), the netty pieces the server links
    /// against even when it uses NIO, metrics-core and snappy (loaded at start), commons-cli.
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredJars =
    [
        "zookeeper.jar",
        "zookeeper-jute.jar",
        "slf4j-api.jar",
        "slf4j-simple.jar",
        "netty-handler.jar",
        "netty-common.jar",
        "netty-buffer.jar",
        "netty-transport.jar",
        "netty-codec.jar",
        "netty-resolver.jar",
        "netty-transport-native-epoll.jar",
        "netty-transport-native-unix-common.jar",
        "metrics-core.jar",
        "snappy-java.jar",
        "commons-cli.jar",
    ];

    /// <summary>JVM defaults for test machines: a small serial-GC heap and a fast start.</summary>
    public static readonly IReadOnlyList<string> DefaultJvmOptions =
    [
        "-Xmx256m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
    ];

    /// <summary>Lets a member that lost its quorum keep serving reads (a system property, not a zoo.cfg key).</summary>
    public const string ReadOnlyModeOption = "-Dreadonlymode.enabled=true";

    /// <summary>
    /// The JVM arguments of one server: the given options, wall-clock timestamps on every log line (so a
    /// stall can be lined up with the runner's log), then the main class and the config.
    /// </summary>
    public IReadOnlyList<string> ServerArguments(string configPath, IEnumerable<string> jvmOptions) =>
        [
            .. jvmOptions,
            "-Dzookeeper.admin.enableServer=false",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            "-cp",
            string.Join(':', ClassPath),
            MainClass,
            configPath,
        ];

    /// <summary>
    /// Finds ZooKeeper on a node, or puts it there: the candidate (a local directory or .tar.gz, uploaded
    /// into installDir on the node and unpacked there), else Debian's jars on the node; with none and root
    /// on the node, Debian's zookeeper package is installed (after apt-get update when the package is unknown).
    /// </summary>
    public static async Task<ZooKeeperInstall> OnNodeAsync(
        InstallShell sh,
        Func<string, string, CancellationToken, Task> upload,
        string? candidate,
        string installDir,
        string where,
        Action<string> log,
        CancellationToken ct
    )
    {
        var java = await FindJavaAsync(sh, ct);
        if (candidate is not null)
        {
            var unpacked = $"{installDir}/unpacked";
            if (File.Exists(candidate))
            {
                var archive = $"{installDir}/{Path.GetFileName(candidate)}";
                await upload(candidate, archive, ct);
                await sh.MustAsync(where, "mkdir", ["-p", unpacked], ct);
                await sh.MustAsync(where, "tar", ["-xzf", archive, "-C", unpacked], ct);
            }
            else if (Directory.Exists(candidate))
                await upload(candidate, unpacked, ct);
            else
                throw new EnvironmentException($"db.install: '{candidate}' is neither a file nor a directory");
            var jars = await sh("find", [unpacked, "-maxdepth", "3", "-name", "*.jar"], ct);
            return FromRelease(java ?? throw NoJava(where), NodeShell.Lines(jars.Output), Path.GetFullPath(candidate))
                ?? throw new EnvironmentException(
                    $"db.install: '{candidate}' holds no ZooKeeper jars (expected lib/zookeeper-*.jar, or "
                        + $"zookeeper*.jar at the top)"
                );
        }
        if (java is not null && await MissingDebianJarsAsync(sh, ct) is [])
            return Debian(java);
        await sh.InstallDebianPackageAsync(
            where,
            "zookeeper",
            "pass a ZooKeeper directory or .tar.gz with --db.install",
            log,
            ct
        );
        java = await FindJavaAsync(sh, ct) ?? throw NoJava(where);
        if (await MissingDebianJarsAsync(sh, ct) is [_, ..] missing)
            throw new EnvironmentException($"Debian's zookeeper package on {where} lacks {string.Join(", ", missing)}");
        return Debian(java);
    }

    /// <summary>ZooKeeper on this machine, for tests that start servers by hand: Debian's jars, or an exception saying
    /// what is missing.</summary>
    public static ZooKeeperInstall FindHere() =>
        OnNodeAsync(
                (c, a, ct) => HostCommands.RunAsync([c, .. a], ct),
                (_, _, _) => throw new NotSupportedException(),
                null,
                Path.GetTempPath(),
                "this machine",
                _ => { },
                CancellationToken.None
            )
            .GetAwaiter()
            .GetResult();

    static ZooKeeperInstall Debian(string java) =>
        new(java, RequiredJars.Select(j => $"{DebianJars}/{j}").ToList(), $"Debian ({DebianJars})");

    /// <summary>A release layout (lib/*.jar, conf/) or a build folder with the jars at the top, one level down at
    /// most.</summary>
    static ZooKeeperInstall? FromRelease(string java, IReadOnlyList<string> jars, string source)
    {
        var byFolder = jars.GroupBy(j => j[..j.LastIndexOf('/')]).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (folder, inFolder) in byFolder.OrderBy(kv => kv.Key.Length))
        {
            if (!inFolder.Any(j => j[(j.LastIndexOf('/') + 1)..].StartsWith("zookeeper", StringComparison.Ordinal)))
                continue;
            var root = folder.EndsWith("/lib", StringComparison.Ordinal) ? folder[..^4] : folder;
            var cp = new List<string> { $"{root}/conf" }; // log settings of the release, when it has them
            cp.AddRange(inFolder.Order(StringComparer.Ordinal));
            return new ZooKeeperInstall(java, cp, source);
        }
        return null;
    }

    static async Task<string?> FindJavaAsync(InstallShell sh, CancellationToken ct)
    {
        var r = await sh(
            "sh",
            [
                "-c",
                "if [ -n \"$JAVA_HOME\" ] && [ -x \"$JAVA_HOME/bin/java\" ]; then echo \"$JAVA_HOME/bin/java\"; "
                    + "else command -v java; fi",
            ],
            ct
        );
        return r.Ok && NodeShell.Lines(r.Output) is [var path, ..] ? path : null;
    }

    static async Task<List<string>> MissingDebianJarsAsync(InstallShell sh, CancellationToken ct)
    {
        var r = await sh(
            "sh",
            [
                "-c",
                $"cd {DebianJars} 2>/dev/null || {{ echo {DebianJars}; exit 0; }}; for j in "
                    + $"{string.Join(' ', RequiredJars)}; do [ -f \"$j\" ] || echo \"$j\"; done",
            ],
            ct
        );
        return NodeShell.Lines(r.Output);
    }

    static EnvironmentException NoJava(string where) =>
        new($"no java on {where}: install a JRE (apt-get install default-jre-headless) or set JAVA_HOME");
}
