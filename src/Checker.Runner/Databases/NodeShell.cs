using Checker.Runner.Nodes;

namespace Checker.Runner.Databases;

/// <summary>Runs a command where a database is to be found or installed (a node, or this machine).</summary>
public delegate Task<CommandResult> Shell(string command, IReadOnlyList<string> args, CancellationToken ct);

/// <summary>What every database's installer does on a node: run commands that must work, and install a Debian package.</summary>
public static class NodeShell
{
    /// <summary>Runs the command and throws an EnvironmentException naming the node, the command and its output when it fails.</summary>
    public static async Task MustAsync(this Shell sh, string where, string command, IReadOnlyList<string> args, CancellationToken ct)
    {
        var r = await sh(command, args, ct);
        if (!r.Ok) throw new EnvironmentException($"{where}: {command} {string.Join(' ', args)} failed ({r.ExitCode}): {r.Output.Trim()}");
    }

    /// <summary>
    /// Installs a Debian package on the node, as root there (else an EnvironmentException saying what to
    /// install, or what to pass instead); when apt does not know the package, it updates and tries again,
    /// as a fresh machine knows no packages until it updates.
    /// </summary>
    public static async Task InstallDebianPackageAsync(this Shell sh, string where, string package, string instead, Action<string> log, CancellationToken ct)
    {
        var root = await sh("id", ["-u"], ct);
        if (root.Output.Trim() != "0")
            throw new EnvironmentException($"no {package} on {where}: install Debian's package there (sudo apt-get install {package}), or {instead}");
        log($"{where}: installing Debian's {package} package");
        string[] install = ["install", "-y", "-q", "--no-install-recommends", package];
        if ((await sh("apt-get", install, ct)).Ok) return;
        await sh("apt-get", ["update", "-q"], ct);
        await sh.MustAsync(where, "apt-get", install, ct);
    }

    /// <summary>The non-empty lines of a command's output.</summary>
    public static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
