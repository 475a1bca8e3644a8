using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;
using Checker.Runner.Running;

namespace Checker.Databases.ZooKeeper.Candidates;

/// <summary>
/// Builds a <see cref="BugCandidate"/> from Debian's source package of the installed zookeeper: apt-get source
/// through a private apt configuration (deb-src lines for this machine's mirrors; the system's own lists are
/// left alone), dpkg-source -x (Debian's patches applied), the one file reverted, compiled with javac against
/// Debian's jars, and put into a copy of Debian's zookeeper.jar. The result is a release layout that
/// db.install takes (lib/*.jar), kept in the cache folder and reused while Debian's version stays the same.
/// </summary>
public static class CandidateBuilder
{
    /// <summary>$CHECKER_CACHE/candidates, else $XDG_CACHE_HOME/checker/candidates, else
    /// ~/.cache/checker/candidates.</summary>
    public static string CacheDirectory => Path.Combine(CacheFolder.Base, "candidates");

    /// <summary>The prefix by which db.install names a candidate Checker builds: "candidate:zookeeper-2201".</summary>
    public const string Prefix = "candidate:";

    /// <summary>
    /// db.install as a path: a "candidate:NAME" is built (or found in the cache) and its folder returned;
    /// anything else is returned as it is.
    /// </summary>
    public static async Task<string?> ResolveAsync(string? install, Action<string> log, CancellationToken ct)
    {
        if (install is null || !install.StartsWith(Prefix, StringComparison.Ordinal))
            return install;
        var name = install[Prefix.Length..];
        var candidate = BugCandidate.Named(name)
            ?? throw new EnvironmentException(
                $"db.install: no candidate '{name}' (known: {string.Join(", ", BugCandidate.All.Select(c => c.Name))})"
            );
        return await EnsureAsync(candidate, CacheDirectory, log, ct);
    }

    /// <summary>What the build needs on this machine: Debian's jars, javac, and dpkg-source.</summary>
    static readonly (string Package, string Path)[] Needs =
    [
        ("zookeeper", $"{ZooKeeperInstall.DebianJars}/zookeeper.jar"),
        ("openjdk-17-jdk-headless", "javac"),
        ("dpkg-dev", "dpkg-source"),
    ];

    /// <summary>
    /// The candidate's release folder, built first when the cache lacks it. As root, missing build tools are
    /// installed from Debian; otherwise an EnvironmentException says which to install.
    /// </summary>
    public static async Task<string> EnsureAsync(
        BugCandidate candidate,
        string cacheDirectory,
        Action<string> log,
        CancellationToken ct
    )
    {
        InstallShell here = (c, a, t) => HostCommands.RunAsync([c, .. a], t);
        foreach (var (package, path) in Needs)
            if (!await PresentAsync(path, ct))
                await here.InstallDebianPackageAsync(
                    "this machine",
                    package,
                    $"install {package} to build {candidate.Name}",
                    log,
                    ct
                );

        var version = (await MustAsync(["dpkg-query", "-W", "-f=${Version}", "zookeeper"], ct)).Trim();
        var folder = Path.Combine(cacheDirectory, $"{candidate.Name}-{version.Replace(':', '_')}-{Hash(candidate)}");
        if (File.Exists(Path.Combine(folder, "CANDIDATE.txt")))
            return folder;

        log($"building {candidate.Name} from Debian's zookeeper {version} source (once; kept in {cacheDirectory})");
        var work = Directory.CreateTempSubdirectory("checker-candidate-").FullName;
        try
        {
            var sourceDir = await UnpackSourceAsync(version, work, ct);
            var file = Path.Combine(sourceDir, candidate.SourceFile);
            var text = File.Exists(file) ? await File.ReadAllTextAsync(file, ct) : "";
            if (CountOf(text, candidate.Fixed) != 1)
                throw new EnvironmentException(
                    $"{candidate.Name}: zookeeper {version}'s {candidate.SourceFile} does not hold the fixed code "
                        + "exactly once, so the fix cannot be taken out here"
                );
            var reverted = Path.Combine(work, Path.GetFileName(file));
            await File.WriteAllTextAsync(reverted, text.Replace(candidate.Fixed, candidate.Reverted), ct);

            var classes = Directory.CreateDirectory(Path.Combine(work, "classes")).FullName;
            var classPath = string.Join(
                ':',
                Directory.GetFiles(ZooKeeperInstall.DebianJars, "*.jar").Order(StringComparer.Ordinal)
            );
            await MustAsync(
                ["javac", "-nowarn", "-proc:none", "-encoding", "UTF-8", "-d", classes, "-cp", classPath, reverted],
                ct
            );

            var staging = Directory.CreateDirectory(Path.Combine(work, "release")).FullName;
            var lib = Directory.CreateDirectory(Path.Combine(staging, "lib")).FullName;
            foreach (var jar in ZooKeeperInstall.RequiredJars.Where(j => j != "zookeeper.jar"))
                File.Copy(Path.Combine(ZooKeeperInstall.DebianJars, jar), Path.Combine(lib, jar));
            var replaced = PatchedJar(
                Path.Combine(ZooKeeperInstall.DebianJars, "zookeeper.jar"),
                Path.Combine(lib, "zookeeper-candidate.jar"),
                classes,
                candidate.ClassPrefix
            );
            await File.WriteAllTextAsync(
                Path.Combine(staging, "CANDIDATE.txt"),
                $"""
                {candidate.Name}: {candidate.Summary}.
                Built by Checker from Debian's zookeeper {version} source with this change to {candidate.SourceFile}
                (classes replaced in lib/zookeeper-candidate.jar: {string.Join(", ", replaced)}):
                --- fixed
                {candidate.Fixed}
                +++ reverted
                {candidate.Reverted}

                """,
                ct
            );

            Directory.CreateDirectory(cacheDirectory);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true); // a build cut short earlier
            Directory.Move(staging, folder);
            log($"{candidate.Name}: built into {folder}");
            return folder;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Downloads and unpacks (Debian's patches applied) the zookeeper source at exactly this
    /// version.</summary>
    static async Task<string> UnpackSourceAsync(string version, string work, CancellationToken ct)
    {
        var parts = Directory.CreateDirectory(Path.Combine(work, "apt", "sources.list.d")).FullName;
        var lists = Directory.CreateDirectory(Path.Combine(work, "apt", "lists", "partial")).Parent!.FullName;
        await File.WriteAllTextAsync(Path.Combine(parts, "source.sources"), SourceStanzas(), ct);
        await File.WriteAllTextAsync(Path.Combine(work, "apt", "sources.list"), "", ct);
        string[] apt =
        [
            "-o",
            $"Dir::Etc::SourceList={Path.Combine(work, "apt", "sources.list")}",
            "-o",
            $"Dir::Etc::SourceParts={parts}",
            "-o",
            $"Dir::State::Lists={lists}",
            "-o",
            "APT::Sandbox::User=root",
            "-q",
        ];
        await MustAsync(["apt-get", .. apt, "update"], ct);
        var download = Directory.CreateDirectory(Path.Combine(work, "download")).FullName;
        await MustAsync(
            [
                "sh",
                "-c",
                $"cd {HostCommands.Quote(download)} && apt-get \"$@\"",
                "apt-get",
                .. apt,
                "source",
                "--download-only",
                $"zookeeper={version}",
            ],
            ct
        );
        var dsc = Directory.GetFiles(download, "*.dsc").Single();
        var unpacked = Path.Combine(work, "source");
        await MustAsync(["dpkg-source", "--no-check", "-x", dsc, unpacked], ct);
        return unpacked;
    }

    /// <summary>
    /// deb-src stanzas for the Debian mirrors this machine's apt uses (CHECKER_DEBIAN_MIRROR alone when set),
    /// with their suites and signing keys, so apt verifies the source as it verifies packages.
    /// </summary>
    internal static string SourceStanzas(string aptDir = "/etc/apt")
    {
        var codename = OsCodename();
        if (Environment.GetEnvironmentVariable("CHECKER_DEBIAN_MIRROR") is { Length: > 0 } mirror)
            return $"Types: deb-src\nURIs: {mirror}\nSuites: {codename} {codename}-updates\nComponents: main\n";
        var stanzas = new StringBuilder();
        var files = new List<string> { Path.Combine(aptDir, "sources.list") };
        if (Directory.Exists(Path.Combine(aptDir, "sources.list.d")))
            files.AddRange(Directory.GetFiles(Path.Combine(aptDir, "sources.list.d")).Order(StringComparer.Ordinal));
        foreach (var file in files.Where(File.Exists))
        {
            var text = File.ReadAllText(file).Replace("\r", "");
            if (file.EndsWith(".sources", StringComparison.Ordinal))
            {
                foreach (var stanza in text.Split("\n\n"))
                {
                    var lines = stanza.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
                    if (
                        lines.Any(l => l.StartsWith("Enabled:", StringComparison.OrdinalIgnoreCase) && l.Contains("no"))
                    )
                        continue;
                    if (
                        !lines.Any(l =>
                            l.StartsWith("Types:", StringComparison.Ordinal) && l.Split(' ').Contains("deb")
                        )
                    )
                        continue;
                    if (!lines.Any(l => l.StartsWith("URIs:", StringComparison.Ordinal) && l.Contains("debian")))
                        continue;
                    stanzas.Append(
                        string.Join(
                            '\n',
                            lines.Select(l => l.StartsWith("Types:", StringComparison.Ordinal) ? "Types: deb-src" : l)
                        )
                    );
                    stanzas.Append("\n\n");
                }
            }
            else if (file.EndsWith(".list", StringComparison.Ordinal))
            {
                foreach (var raw in text.Split('\n'))
                {
                    var line = raw.Split('#')[0].Trim();
                    if (!line.StartsWith("deb ", StringComparison.Ordinal) || !line.Contains("debian"))
                        continue;
                    var rest = line[4..].Trim();
                    var signedBy = "";
                    if (rest.StartsWith('['))
                    {
                        var options = rest[1..rest.IndexOf(']')].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        signedBy = options.FirstOrDefault(o => o.StartsWith("signed-by=", StringComparison.Ordinal))
                            is { } s
                            ? $"Signed-By: {s["signed-by=".Length..]}\n"
                            : "";
                        rest = rest[(rest.IndexOf(']') + 1)..].Trim();
                    }
                    if (
                        rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        is [var uri, var suite, .. var components]
                    )
                        stanzas.Append(
                            $"Types: deb-src\nURIs: {uri}\nSuites: {suite}\nComponents: "
                                + $"{string.Join(' ', components)}\n{signedBy}\n"
                        );
                }
            }
        }
        return stanzas.Length > 0
            ? stanzas.ToString()
            : throw new EnvironmentException(
                $"no Debian mirror in {aptDir}/sources.list or sources.list.d to fetch zookeeper's source from: "
                    + $"set CHECKER_DEBIAN_MIRROR to one"
            );
    }

    /// <summary>
    /// Copies Debian's jar and replaces the classes the reverted source compiled to (the file's class and its
    /// nested classes); returns the replaced entries. A class the source no longer makes is an error.
    /// </summary>
    static List<string> PatchedJar(string debianJar, string target, string classes, string classPrefix)
    {
        File.Copy(debianJar, target);
        var compiled = Directory
            .GetFiles(classes, "*.class", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(classes, f).Replace('\\', '/'))
            .Where(e => e == $"{classPrefix}.class" || e.StartsWith($"{classPrefix}$", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        using var jar = ZipFile.Open(target, ZipArchiveMode.Update);
        var old = jar
            .Entries.Where(e =>
                e.FullName == $"{classPrefix}.class"
                || e.FullName.StartsWith($"{classPrefix}$", StringComparison.Ordinal)
            )
            .ToList();
        if (!compiled.Contains($"{classPrefix}.class") || old.Count == 0)
            throw new EnvironmentException(
                $"{classPrefix}.class: not both in Debian's zookeeper.jar and in the compiled source"
            );
        foreach (var entry in old)
            entry.Delete();
        foreach (var name in compiled)
            jar.CreateEntryFromFile(Path.Combine(classes, name), name);
        return compiled;
    }

    static string OsCodename()
    {
        foreach (var line in File.Exists("/etc/os-release") ? File.ReadAllLines("/etc/os-release") : [])
            if (line.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal))
                return line["VERSION_CODENAME=".Length..].Trim('"');
        return "bookworm";
    }

    static string Hash(BugCandidate c) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{c.SourceFile}\n{c.Fixed}\n{c.Reverted}")))[
            ..12
        ];

    static int CountOf(string text, string part)
    {
        var n = 0;
        for (
            var i = text.IndexOf(part, StringComparison.Ordinal);
            i >= 0;
            i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)
        )
            n++;
        return n;
    }

    static async Task<bool> PresentAsync(string path, CancellationToken ct) =>
        path.StartsWith('/')
            ? File.Exists(path)
            : (await HostCommands.RunAsync(["sh", "-c", $"command -v {path}"], ct)).ExitCode == 0;

    static async Task<string> MustAsync(IReadOnlyList<string> argv, CancellationToken ct)
    {
        try
        {
            return await HostCommands.MustAsync(argv, ct);
        }
        catch (HostCommandException e)
        {
            throw new EnvironmentException(e.Message);
        }
    }
}
