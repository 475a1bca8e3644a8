using System.Diagnostics;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;

namespace Checker.Benchmarks;

/// <summary>A million operations over a thousand keys, checked whole: valid as generated, then with one stale read.</summary>
public static class BigHistoryBench
{
    public static void Run(string? keep = null)
    {
        var model = ModelCatalog.Create("cas-register");
        foreach (var stale in new[] { false, true })
        {
            var generated = BigHistory.Generate(1_000_000, 1_000, 50, seed: 7, injectStaleRead: stale);
            GC.Collect();
            var clock = Stopwatch.StartNew();
            var ops = Pairing.Pair(generated.History);
            var paired = clock.Elapsed;
            var result = new LinearizabilityChecker(model, new LinearizabilityOptions()).Check(ops);
            clock.Stop();
            var report = (LinearizabilityReport)result.Details!;
            Console.WriteLine($"big{(stale ? " + stale read" : "")}: {generated.History.Count:N0} records, {ops.Count:N0} ops, {report.Keys} keys -> {result.Verdict} " +
                              $"in {clock.Elapsed.TotalSeconds:F2} s (pairing {paired.TotalSeconds:F2} s, search and explanation {report.Seconds:F2} s), " +
                              $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
            if (report.Failure is { } f)
                Console.WriteLine($"  key {Values.Format(f.Key)}: {f.Failed}; minimal counterexample {f.Minimal.Count} ops; injected: op {generated.StaleRead!.Index}");
            if (!stale) FromFile(generated.History, model, keep);
        }
    }

    /// <summary>One long single-key history: no key to split by, so the search itself must scale.</summary>
    public static void RunSingleKey(int operations)
    {
        var model = ModelCatalog.Create("cas-register");
        var generated = BigHistory.Generate(operations, 1, 5, seed: 11, injectStaleRead: false);
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var result = new LinearizabilityChecker(model, new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60) }).Check(generated.History);
        var report = (LinearizabilityReport)result.Details!;
        Console.WriteLine($"one key: {report.Operations:N0} ops ({report.Crashed} indeterminate), 5 processes -> {result.Verdict}{(report.Cause is { } c ? $" ({c})" : "")} " +
                          $"in {clock.Elapsed.TotalSeconds:F2} s, {report.Configurations:N0} configurations, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
    }

    /// <summary>Writes the one-key history to a file, to measure `checker check FILE --memory MB` as a process (peak RSS against the budget).</summary>
    public static void WriteSingleKey(int operations, string path)
    {
        var generated = BigHistory.Generate(operations, 1, 5, seed: 11, injectStaleRead: false);
        using (var w = new StreamWriter(path)) JsonLinesHistory.WriteAll(w, generated.History);
        Console.WriteLine($"{path}: {generated.History.Count:N0} records on one key, {new FileInfo(path).Length >> 20} MB");
    }

    /// <summary>
    /// As users meet it: a JSON Lines file on disk, read and checked in process (with where the time goes), then
    /// `checker check FILE` as a child process (checker.dll beside this benchmark): wall time from start to exit and
    /// peak resident memory (/usr/bin/time). KEEP names a file to keep the history in (written once, reused).
    /// </summary>
    static void FromFile(List<Op> history, Model model, string? keep)
    {
        var path = keep ?? Path.Combine(Path.GetTempPath(), $"checker-big-{Environment.ProcessId}.jsonl");
        try
        {
            if (keep is null || !File.Exists(keep))
                using (var w = new StreamWriter(path)) JsonLinesHistory.WriteAll(w, history);
            var size = new FileInfo(path).Length >> 20;
            Console.Write($"  from a {size} MB JSON Lines file, in process: ");
            ReadStagesBench.Run(path, 1);
            GC.Collect();
            var checker = Path.Combine(AppContext.BaseDirectory, "checker.dll");
            var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-f", "cpu %U %S maxrss-kb %M", "dotnet", checker, "check", path, "--model", "cas-register" }) psi.ArgumentList.Add(a);
            var start = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            var wall = start.Elapsed;
            _ = stdout.Result;
            var words = (stderr.Split('\n').LastOrDefault(l => l.StartsWith("cpu ")) ?? "cpu 0 0 maxrss-kb 0").Split(' ');
            var cpu = double.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"  checker check on the file: exit {p.ExitCode} in {wall.TotalSeconds:F2} s (cpu {cpu:F2} s), peak resident " +
                              $"{long.Parse(words[4]) >> 10} MB (load {Load()})");
        }
        finally
        {
            if (keep is null) File.Delete(path);
        }
    }

    static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>Where reading and checking a JSON Lines file spends its time, stage by stage: wall time, and CPU time
/// (both cores; steadier than wall time on a loaded machine).</summary>
public static class ReadStagesBench
{
    public static void Run(string path, int rounds)
    {
        var self = Process.GetCurrentProcess();
        for (var round = 0; round < rounds; round++)
        {
            GC.Collect();
            var stages = new List<string>();
            var clock = Stopwatch.StartNew();
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var gc = GC.GetTotalPauseDuration();
            void Stage(string name)
            {
                self.Refresh();
                stages.Add($"{name} {clock.Elapsed.TotalSeconds:F2} s (cpu {(self.TotalProcessorTime - cpu).TotalSeconds:F2}, gc {(GC.GetTotalPauseDuration() - gc).TotalSeconds:F2} in {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})");
                gc = GC.GetTotalPauseDuration();
                clock.Restart();
                cpu = self.TotalProcessorTime;
            }
            long bytes = 0;
            using (var s = File.OpenRead(path))
            {
                var buf = new byte[1 << 20];
                int n;
                while ((n = s.Read(buf)) > 0) bytes += n;
            }
            Stage("bytes");
            var loaded = HistoryFile.Load(path);
            Stage("read");
            var ops = Pairing.Pair(loaded);
            Stage("paired");
            var result = new LinearizabilityChecker(ModelCatalog.Create("cas-register"), new LinearizabilityOptions()).Check(ops);
            Stage($"checked ({result.Verdict})");
            Console.WriteLine($"{bytes >> 20} MB, {loaded.Count:N0} records: {string.Join(", ", stages)}; " +
                              $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB (load {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))})");
        }
    }
}
