using System.Diagnostics;

namespace Checker.Report.Tests;

/// <summary>
/// Opens a page from disk in headless Chromium (Debian's chromium package), takes a screenshot and
/// collects the console's errors from Chromium's own log. Each call uses a fresh profile folder that
/// it deletes, and the whole process tree is killed if it has not exited by itself.
/// </summary>
public static class Chromium
{
    public sealed record Visit(string Screenshot, IReadOnlyList<string> ConsoleErrors, string Log);

    static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--window-size=1280,900",
    ];

    public static string Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("headless Chromium is needed for the browser tests: apt-get install -y chromium");

    public static Visit Open(string page, string screenshot)
    {
        var profile = Directory.CreateTempSubdirectory("checker-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var f in Flags) start.ArgumentList.Add(f);
            start.ArgumentList.Add($"--user-data-dir={profile.FullName}");
            start.ArgumentList.Add($"--screenshot={screenshot}");
            start.ArgumentList.Add(new Uri(Path.GetFullPath(page)).AbsoluteUri);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            try
            {
                if (!process.WaitForExit(TimeSpan.FromSeconds(60))) throw new TimeoutException($"chromium did not finish with {page} in 60 s");
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            KillLeftovers(profile.FullName);
            var log = stderr.Result + stdout.Result;
            return new Visit(screenshot, ConsoleErrors(log), log);
        }
        finally
        {
            profile.Delete(true);
        }
    }

    /// <summary>
    /// Chromium's helper processes (zygote, renderer) can outlive the browser by a moment: end those of this
    /// visit, found by the profile folder on their command line, so no chromium outlives a test.
    /// </summary>
    static void KillLeftovers(string profile)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (!cmdline.Contains(profile, StringComparison.Ordinal)) continue; // the browser and its helpers (crashpad keeps its database there)
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(5000);
            }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
        }
    }

    /// <summary>
    /// Console lines that are errors: an uncaught exception, console.error, or a resource (an image,
    /// a script) that failed to load. Chromium logs every console message as "...:CONSOLE(line)] "text"".
    /// </summary>
    public static List<string> ConsoleErrors(string log) => log.Split('\n')
        .Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal))
        .Where(l => l.Contains("ERROR:CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)
                    || l.Contains("Failed to load", StringComparison.Ordinal) || l.Contains("net::ERR", StringComparison.Ordinal))
        .ToList();
}
