using Checker.Runner.Nodes;

namespace Checker.Runner.Databases;

/// <summary>Runs a command where a database is to be found or installed (a node, or this machine).</summary>
public delegate Task<CommandResult> InstallShell(string command, IReadOnlyList<string> args, CancellationToken ct);

/// <summary>What every database's installer does on a node: run commands that must work, and install a Debian
/// package.</summary>
public static class NodeShell
{
    /// <summary>Runs the command and throws an EnvironmentException naming the node, the command and its output when it
    /// fails.</summary>
    public static async Task MustAsync(
        this InstallShell sh,
        string where,
        string command,
        IReadOnlyList<string> args,
        CancellationToken ct
    )
    {
        var r = await sh(command, args, ct);
        if (!r.Ok)
            throw new EnvironmentException(
                $"{where}: {command} {string.Join(' ', args)} failed ({r.ExitCode}): {r.Output.Trim()}"
            );
    }

    /// <summary>How long apt waits for another apt or dpkg on the node to finish before it gives up.</summary>
    public static readonly TimeSpan AptLockWait = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Installs a Debian package on the node, as root there (else an EnvironmentException saying what to install,
    /// or what to pass instead). A package another installer put there meanwhile is left as it is. When apt knows
    /// no installable version (a fresh machine's lists are empty until it updates), the lists are updated first;
    /// an install that fails anyway (lists naming a version the mirror no longer has) updates and tries once more.
    /// apt and dpkg hold locks while they work: an apt-get waits for them (dpkg's through DPkg::Lock::Timeout,
    /// the lists' by trying again), so installs on one machine from other runs or hosts take turns.
    /// </summary>
    public static async Task InstallDebianPackageAsync(
        this InstallShell sh,
        string where,
        string package,
        string instead,
        Action<string> log,
        CancellationToken ct
    )
    {
        var root = await sh("id", ["-u"], ct);
        if (root.Output.Trim() != "0")
            throw new EnvironmentException(
                $"no {package} on {where}: install Debian's package there (sudo apt-get install {package}), or "
                    + $"{instead}"
            );
        if (await IsInstalledAsync(sh, package, ct))
        {
            log($"{where}: Debian's {package} package is installed");
            return;
        }
        log($"{where}: installing Debian's {package} package");
        var updated = false;
        if (!await HasCandidateAsync(sh, package, ct))
        {
            log($"{where}: apt knows no {package} to install: apt-get update");
            await UpdateAsync(sh, where, log, ct);
            updated = true;
        }
        string[] installArgs = ["install", "-y", "-q", "--no-install-recommends", package];
        var install = await AptGetAsync(sh, installArgs, ct);
        if (install.Ok)
            return;
        if (updated)
            throw InstallFailed(where, package, install);
        log($"{where}: apt-get install {package} failed ({install.ExitCode}); apt-get update and once more");
        await UpdateAsync(sh, where, log, ct);
        install = await AptGetAsync(sh, installArgs, ct);
        if (!install.Ok)
            throw InstallFailed(where, package, install);
    }

    static EnvironmentException InstallFailed(string where, string package, CommandResult r) =>
        new($"{where}: apt-get install {package} failed ({r.ExitCode}): {r.Output.Trim()}");

    /// <summary>apt-get, never asking, waiting for dpkg's lock held by another installer.</summary>
    static Task<CommandResult> AptGetAsync(InstallShell sh, IReadOnlyList<string> args, CancellationToken ct) =>
        sh("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "-o", LockTimeout, .. args], ct);

    static readonly string LockTimeout = $"DPkg::Lock::Timeout={(int)AptLockWait.TotalSeconds}";

    /// <summary>
    /// apt-get update, tried again while another apt holds the lists' lock (apt-get update does not wait for it).
    /// A failure of another kind is logged and left to the install, whose message then says what is missing.
    /// </summary>
    static async Task UpdateAsync(InstallShell sh, string where, Action<string> log, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + AptLockWait;
        for (var waited = false; ; waited = true)
        {
            var r = await AptGetAsync(sh, ["update", "-q"], ct);
            if (r.Ok)
                return;
            var locked =
                r.Output.Contains("Could not get lock", StringComparison.Ordinal)
                || r.Output.Contains("Unable to lock", StringComparison.Ordinal);
            if (!locked || DateTime.UtcNow > deadline)
            {
                log($"{where}: apt-get update failed ({r.ExitCode}): {r.Output.Trim()}");
                return;
            }
            if (!waited)
                log($"{where}: another apt holds the lock on apt's lists: waiting for it");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    static async Task<bool> IsInstalledAsync(InstallShell sh, string package, CancellationToken ct) =>
        (await sh("dpkg-query", ["-W", "-f=${Status}", package], ct)).Output.Trim() == "install ok installed";

    /// <summary>True when apt's lists offer a version of the package (apt-cache policy names a candidate).</summary>
    static async Task<bool> HasCandidateAsync(InstallShell sh, string package, CancellationToken ct)
    {
        var r = await sh("apt-cache", ["policy", package], ct);
        return r.Ok
            && Lines(r.Output)
                .Any(l =>
                    l.StartsWith("Candidate:", StringComparison.Ordinal)
                    && !l.Contains("(none)", StringComparison.Ordinal)
                );
    }

    /// <summary>The non-empty lines of a command's output.</summary>
    public static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
