using System.Diagnostics;

namespace Checker.Runner.Nodes;

/// <summary>A host command that failed: names the command and carries what it printed.</summary>
public sealed class HostCommandException(string message) : Exception(message);

/// <summary>Runs commands on this machine (ip, iptables, sysctl, ssh-keygen) and collects their output.</summary>
public static class HostCommands
{
    /// <summary>Runs argv and returns its exit code and combined output; never throws for a non-zero exit.</summary>
    public static async Task<CommandResult> RunAsync(
        IReadOnlyList<string> argv,
        CancellationToken ct = default,
        string? stdin = null
    )
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        };
        foreach (var a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new HostCommandException($"cannot start {argv[0]}");
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        try
        {
            await p.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try
            {
                p.Kill(true);
            }
            catch (InvalidOperationException) { }
            throw;
        }
        return new CommandResult(p.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs argv and throws, naming the command and quoting its output, when it fails.</summary>
    public static async Task<string> MustAsync(
        IReadOnlyList<string> argv,
        CancellationToken ct = default,
        string? stdin = null
    )
    {
        var r = await RunAsync(argv, ct, stdin);
        if (r.ExitCode != 0)
            throw new HostCommandException($"'{string.Join(' ', argv)}' failed (exit {r.ExitCode}): {r.Output.Trim()}");
        return r.Output;
    }

    /// <summary>Quotes one word for a POSIX shell.</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+%".Contains(c))
            ? s
            : "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>A whole argv as one shell command line.</summary>
    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));
}
