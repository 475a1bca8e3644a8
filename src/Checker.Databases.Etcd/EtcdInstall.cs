using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Databases.Etcd;

/// <summary>An etcd server binary a node can start, as a path on that node, and where it came from (for the log and
/// results).</summary>
internal sealed record EtcdInstall(string Binary, string Source)
{
    public const string DebianBinary = "/usr/bin/etcd";

    /// <summary>
    /// Finds etcd on a node, or puts it there: the candidate (a local binary, a directory holding
    /// etcd or bin/etcd, or a release .tar.gz), uploaded into installDir on the node; else Debian's
    /// /usr/bin/etcd on the node; with none and root on the node, Debian's etcd-server package is
    /// installed (after apt-get update when the package is unknown).
    /// </summary>
    public static async Task<EtcdInstall> OnNodeAsync(
        InstallShell sh,
        Func<string, string, CancellationToken, Task> upload,
        string? candidate,
        string installDir,
        string where,
        Action<string> log,
        CancellationToken ct
    )
    {
        if (candidate is not null)
        {
            var unpacked = $"{installDir}/unpacked";
            if (File.Exists(candidate) && IsArchive(candidate))
            {
                var archive = $"{installDir}/{Path.GetFileName(candidate)}";
                await upload(candidate, archive, ct);
                await sh.MustAsync(where, "mkdir", ["-p", unpacked], ct);
                await sh.MustAsync(where, "tar", ["-xzf", archive, "-C", unpacked], ct);
            }
            else if (File.Exists(candidate))
                await upload(candidate, $"{unpacked}/etcd", ct);
            else if (Directory.Exists(candidate))
                await upload(candidate, unpacked, ct);
            else
                throw new EnvironmentException($"db.install: '{candidate}' is neither a file nor a directory");
            // The binary itself, DIR/etcd or DIR/bin/etcd, one folder down at most (a release unpacks into one top
            // folder).
            var found = await sh("find", [unpacked, "-maxdepth", "3", "-name", "etcd", "-type", "f"], ct);
            var binary = NodeShell
                .Lines(found.Output)
                .Where(p => found.Ok && p.EndsWith("/etcd", StringComparison.Ordinal))
                .OrderBy(p => p.Length)
                .FirstOrDefault()
                ?? throw new EnvironmentException(
                    $"db.install: '{candidate}' holds no etcd binary (expected the binary itself, DIR/etcd, "
                        + $"DIR/bin/etcd, or a release .tar.gz)"
                );
            await sh.MustAsync(where, "chmod", ["+x", binary], ct);
            return new EtcdInstall(binary, Path.GetFullPath(candidate));
        }
        if ((await sh("test", ["-x", DebianBinary], ct)).Ok)
            return Debian;
        await sh.InstallDebianPackageAsync(
            where,
            "etcd-server",
            "pass an etcd binary, directory or release .tar.gz with --db.install",
            log,
            ct
        );
        if (!(await sh("test", ["-x", DebianBinary], ct)).Ok)
            throw new EnvironmentException($"Debian's etcd-server package on {where} did not install {DebianBinary}");
        return Debian;
    }

    static readonly EtcdInstall Debian = new(DebianBinary, "Debian (etcd-server)");

    static bool IsArchive(string path) =>
        path.EndsWith(".tar.gz", StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal);
}
