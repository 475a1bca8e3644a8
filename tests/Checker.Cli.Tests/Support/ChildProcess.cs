using System.Diagnostics;

namespace Checker.Cli.Tests;

/// <summary>Runs a program as users do and returns its exit code and what it printed.</summary>
internal static class ChildProcess
{
    public static (int Exit, string Out, string Err) Run(string file, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    /// <summary>The checker of this build, run with `dotnet`.</summary>
    public static (int Exit, string Out, string Err) Checker(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "checker.dll"), .. args], environment: environment);
}
