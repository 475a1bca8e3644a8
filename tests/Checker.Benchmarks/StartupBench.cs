using System.Diagnostics;
using Checker.Tests;

namespace Checker.Benchmarks;

/// <summary>
/// checker-check, the check command compiled ahead of time, for the benchmarks that run checkers as processes:
/// CHECKER_NATIVE_CHECK names a published one; else it is published here once (a minute or two), into a
/// temporary folder that lives as long as this process.
/// </summary>
internal static class NativeChecker
{
    public const string Variable = "CHECKER_NATIVE_CHECK";

    static string? published;

    /// <summary>The native program's path, or null (with the reason on stderr) when it cannot be published.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return given;
        if (published is not null)
            return published;
        var folder = Directory.CreateTempSubdirectory("checker-native-bench-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var clock = Stopwatch.StartNew();
        var (exit, output) = Publish(["src/Checker.Check.Native", "-r", "linux-x64", "-c", "Release", "-o", folder]);
        if (exit != 0)
        {
            Console.Error.WriteLine($"checker-check could not be published: {output}");
            return null;
        }
        var program = Path.Combine(folder, "checker-check");
        Console.Error.WriteLine($"checker-check published in {clock.Elapsed.TotalSeconds:F0} s, " +
                                $"{new FileInfo(program).Length / 1e6:F1} MB");
        return published = program;
    }

    /// <summary>`dotnet publish` in the repository; its exit code and output.</summary>
    public static (int Exit, string Output) Publish(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true,
            RedirectStandardError = true };
        foreach (var a in new[] { "publish", "-nologo" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>
/// Start-up: a trivial history (a write and a read) checked by a fresh process, from start to exit, by the
/// native checker-check, by `checker check` as built (JIT) and as published for the runtime (ReadyToRun).
/// Each is run RUNS times, alternating, after one unmeasured run each; prints the median, the fastest and the
/// slowest, and the peak resident memory (/usr/bin/time). Every run must agree: exit 0.
/// </summary>
internal static class StartupBench
{
    public static void Run(int runs)
    {
        var native = NativeChecker.Find();
        var r2r = Directory.CreateTempSubdirectory("checker-r2r-bench-").FullName;
        var history = Path.Combine(Path.GetTempPath(), $"checker-startup-{Environment.ProcessId}.jsonl");
        try
        {
            File.WriteAllLines(history, [
                """{"index":0,"process":0,"type":"invoke","f":"write","value":1}""",
                """{"index":1,"process":0,"type":"ok","f":"write","value":1}""",
                """{"index":2,"process":1,"type":"invoke","f":"read","value":null}""",
                """{"index":3,"process":1,"type":"ok","f":"read","value":1}""",
            ]);
            var clock = Stopwatch.StartNew();
            var (exit, output) = NativeChecker.Publish(["src/Checker.Cli", "-r", "linux-x64", "-c", "Release", "-o", r2r]);
            if (exit != 0) Console.Error.WriteLine($"checker (ReadyToRun) could not be published: {output}");
            else Console.Error.WriteLine($"checker (ReadyToRun) published in {clock.Elapsed.TotalSeconds:F0} s");
            var commands = new List<(string Name, string[] Command)>();
            if (native is not null) commands.Add(("checker-check (native AOT)", [native, history]));
            commands.Add(("checker check (JIT, as built)", ["dotnet", Path.Combine(AppContext.BaseDirectory, "checker.dll"), "check", history]));
            if (exit == 0) commands.Add(("checker check (ReadyToRun)", [Path.Combine(r2r, "checker"), "check", history]));
            var times = commands.ToDictionary(c => c.Name, _ => new List<double>());
            var peaks = commands.ToDictionary(c => c.Name, _ => 0L);
            foreach (var (_, command) in commands) Once(command);
            for (var i = 0; i < runs; i++)
                foreach (var (name, command) in commands)
                {
                    var (ms, kb) = Once(command);
                    times[name].Add(ms);
                    peaks[name] = Math.Max(peaks[name], kb);
                }
            Console.WriteLine($"{"trivial history, one process",-32} {"median ms",10} {"min ms",8} {"max ms",8} {"peak MB",8}   ({runs} runs each)");
            foreach (var (name, _) in commands)
            {
                var sorted = times[name].Order().ToList();
                Console.WriteLine($"{name,-32} {sorted[sorted.Count / 2],10:F1} {sorted[0],8:F1} {sorted[^1],8:F1} {peaks[name] / 1024.0,8:F1}");
            }
        }
        finally
        {
            File.Delete(history);
            Directory.Delete(r2r, recursive: true);
        }
    }

    /// <summary>One run from start to exit, and its peak resident kilobytes; a run that does not exit 0 stops the
    /// benchmark.</summary>
    static (double Ms, long PeakKb) Once(string[] command)
    {
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", "maxrss-kb %M" }.Concat(command)) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var ms = clock.Elapsed.TotalMilliseconds;
        _ = stdout.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(" ", command)} exited {p.ExitCode}: {stderr}");
        var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("maxrss-kb ")) ?? "maxrss-kb 0";
        return (ms, long.Parse(line["maxrss-kb ".Length..]));
    }
}
