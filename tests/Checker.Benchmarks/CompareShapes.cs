using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests;
using Checker.Core.Tests.Support;

namespace Checker.Benchmarks;

/// <summary>
/// The shapes of history on which the search was compared with Porcupine: one key with a given count and
/// share of indeterminate operations, one long key without them, invalid keys, the Porcupine kv logs split
/// and whole, the etcd logs, a trivial history, and a million operations read from JSON Lines.
/// Histories are generated with fixed seeds. Each shape runs in its own process, so its peak working set
/// is its own, after a small warm-up history so the JIT is not what is measured. "search" is the check
/// without shrinking; "shrink" is the extra time the default shrinker adds on invalid histories.
/// "process" is `checker check` on the same history written to a file, as a user runs it: a child
/// process from start to exit (reading, checking, shrinking, printing), with its peak resident memory
/// (measured by /usr/bin/time; one process per file where the shape says so, the times summed).
/// </summary>
public static class CompareShapes
{
    sealed record Shape(string Name, string What, Func<Result> Run, Func<CheckRun>? Check = null);

    /// <summary>What `checker check` is run on for the process figures; temporary files are deleted after.</summary>
    sealed record CheckRun(IReadOnlyList<string> Files, IReadOnlyList<string> Args, bool OnePerFile, bool Temporary);

    sealed record Result(string Verdict, double SearchMs, double? ShrinkMs, long Configurations, string Note = "");

    static readonly TimeSpan SearchLimit = TimeSpan.FromSeconds(60);
    static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(300);

    static IReadOnlyList<Shape> Shapes() =>
    [
        OneKey("key-1k-20", 1_000, 0.20),
        OneKey("key-2k-20", 2_000, 0.20),
        OneKey("key-2k-5", 2_000, 0.05),
        OneKey("key-5k-10", 5_000, 0.10),
        OneKey("key-5k-20", 5_000, 0.20),
        OneKey("key-20k-5", 20_000, 0.05),
        OneKey("key-20k-20", 20_000, 0.20),
        OneKey("key-50k-20", 50_000, 0.20),
        OneKey("key-100k-20", 100_000, 0.20),
        OneKey("key-10k-5", 10_000, 0.05),
        OneKey("key-10k-20", 10_000, 0.20),
        OneKey("key-100k-3k-writes", 100_000, 0.09, "write"),
        OneKey("key-50k", 50_000, 0),
        OneKey("key-100k", 100_000, 0),
        OneKey("key-100k-0.2", 100_000, 0.002),
        OneKey("key-10k-invalid", 10_000, 0.002, stale: true),
        OneKey("key-2k-20-invalid", 2_000, 0.20, stale: true),
        OneKey("key-10k-5-invalid", 10_000, 0.05, stale: true),
        OneKey("key-100k-3k-invalid", 100_000, 0.09, "write", stale: true),
        OneKey("key-5k-20-invalid", 5_000, 0.20, stale: true),
        OneKey("key-20k-20-invalid", 20_000, 0.20, stale: true),
        OneKey("key-20k-5-invalid", 20_000, 0.05, stale: true),
        new("trivial", "a write and a read, one process", Trivial, () => Written("trivial", TrivialHistory(), "register")),
        new("etcd", "102 etcd register logs, in process; one process per file", () => CorpusGroup("etcd-register", "cas-register", split: true),
            () => FromCorpus("etcd-register", "cas-register", onePerFile: true)),
        new("kv-split", "Porcupine kv logs split by key, in process; one process for all 6", () => CorpusGroup("kv-partitioned", "kv", split: true),
            () => FromCorpus("kv-partitioned", "kv", onePerFile: false)),
        new("kv-split-detail", "where the time goes on c50-ok split by key", KvSplitDetail),
        new("kv-whole", "Porcupine kv logs checked whole", () => CorpusGroup("kv-nopartition", "kv", split: false)),
        new("big-1m-jsonl", "1,000,000 ops over 1,000 keys, read from JSON Lines", BigFromFile),
    ];

    static Shape OneKey(string name, int ops, double crashShare, string? crashedF = null, bool stale = false) =>
        new(name, $"one key, {ops:N0} ops, {crashShare:P0} of {crashedF ?? "all"} ops indeterminate{(stale ? ", one stale read" : "")}", () =>
        {
            var generated = BigHistory.Generate(ops, 1, 5, seed: 11, injectStaleRead: stale, crashShare, crashedF);
            var paired = Pairing.Pair(generated.History);
            var r = Measure(ModelCatalog.Create("cas-register"), paired, split: true);
            return r with { Note = $"{paired.Count(o => o.Crashed)} indeterminate" };
        }, () => Written(name, BigHistory.Generate(ops, 1, 5, seed: 11, injectStaleRead: stale, crashShare, crashedF).History, "cas-register"));

    /// <summary>Runs every shape (or those named), each in a child process; prints one line per shape.</summary>
    public static void RunAll(IReadOnlyList<string> only)
    {
        Console.WriteLine($"{"shape",-20} {"verdict",-8} {"search ms",10} {"shrink ms",10} {"configs",11} {"peak MB",8} " +
                          $"{"process ms",11} {"proc MB",8} {"native ms",10} {"nat. MB",8}  notes");
        var native = NativeChecker.Find();
        foreach (var shape in Shapes().Where(s => only.Count == 0 || only.Contains(s.Name)))
        {
            var self = Environment.ProcessPath!;
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            if (native is not null) psi.Environment[NativeChecker.Variable] = native;
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(CompareShapes).Assembly.Location);
            foreach (var a in new[] { "compare-shapes", "--shape", shape.Name }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(ProcessLimit))
            {
                p.Kill();
                p.WaitForExit();
                Console.WriteLine($"{shape.Name,-20} killed after {ProcessLimit.TotalSeconds:F0} s");
                continue;
            }
            Console.Write(output.Result);
        }
    }

    /// <summary>One shape, in this process.</summary>
    public static void RunOne(string name)
    {
        var shape = Shapes().Single(s => s.Name == name);
        WarmUp();
        var r = shape.Run();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
        var shrink = r.ShrinkMs is { } s ? $"{s,10:F0}" : $"{"-",10}";
        var checker = Path.Combine(AppContext.BaseDirectory, "checker.dll");
        var run = shape.Check?.Invoke();
        var (processMs, processMb, exits) = run is not null ? RunChecker(run, ["dotnet", checker, "check"]) : (double.NaN, 0L, "");
        var process = double.IsNaN(processMs) ? $"{"-",11} {"-",8}" : $"{processMs,11:F0} {processMb,8}";
        var native = Environment.GetEnvironmentVariable(NativeChecker.Variable);
        var (nativeMs, nativeMb, nativeExits) = run is not null && native is not null ? RunChecker(run, [native]) : (double.NaN, 0L, "");
        var nativeProcess = double.IsNaN(nativeMs) ? $"{"-",10} {"-",8}" : $"{nativeMs,10:F0} {nativeMb,8}";
        if (run is { Temporary: true }) foreach (var f in run.Files) File.Delete(f);
        var disagree = nativeExits.Length > 0 && nativeExits != exits ? $"; checker-check exit {nativeExits}" : "";
        Console.WriteLine($"{shape.Name,-20} {r.Verdict,-8} {r.SearchMs,10:F0} {shrink} {r.Configurations,11:N0} {peak,8} {process} " +
                          $"{nativeProcess}  {r.Note}{(exits.Length > 0 ? $"; checker exit {exits}" : "")}{disagree}");
    }

    /// <summary>
    /// A checker as a child process (`checker check`, checker.dll beside this benchmark, or the native
    /// checker-check), timed from start to exit, its peak resident memory from /usr/bin/time. One process per
    /// file when the run says so: the times summed, the largest peak kept. The exit codes say the verdicts (0
    /// valid, 1 invalid, 2 unknown).
    /// </summary>
    static (double Ms, long PeakMb, string Exits) RunChecker(CheckRun run, string[] command)
    {
        var groups = run.OnePerFile ? run.Files.Select(f => new[] { f }).ToList() : [run.Files.ToArray()];
        double total = 0;
        long peakKb = 0;
        var exits = new SortedDictionary<int, int>();
        foreach (var files in groups)
        {
            var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-f", "maxrss-kb %M" }.Concat(command).Concat(files).Concat(run.Args)) psi.ArgumentList.Add(a);
            var clock = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            total += clock.Elapsed.TotalMilliseconds;
            _ = stdout.Result;
            var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("maxrss-kb ")) ?? "maxrss-kb 0";
            peakKb = Math.Max(peakKb, long.Parse(line["maxrss-kb ".Length..]));
            exits[p.ExitCode] = exits.GetValueOrDefault(p.ExitCode) + 1;
        }
        return (total, peakKb >> 10, string.Join(", ", exits.Select(e => groups.Count == 1 ? $"{e.Key}" : $"{e.Key} x{e.Value}")));
    }

    /// <summary>A generated history written as JSON Lines for `checker check`, with the same time limit as the search.</summary>
    static CheckRun Written(string name, List<Op> history, string model)
    {
        // CHECKER_SHAPES_KEEP=DIR keeps the files there (to run other checkers on the same histories).
        var keep = Environment.GetEnvironmentVariable("CHECKER_SHAPES_KEEP");
        var path = keep is not null ? Path.Combine(keep, $"{name}.jsonl") : Path.Combine(Path.GetTempPath(), $"checker-shape-{name}-{Environment.ProcessId}.jsonl");
        using (var w = new StreamWriter(path)) JsonLinesHistory.WriteAll(w, history);
        return new CheckRun([path], ["--model", model, "--timeout", $"{SearchLimit.TotalSeconds:F0}"], OnePerFile: true, Temporary: keep is null);
    }

    static CheckRun FromCorpus(string corpusModel, string model, bool onePerFile) =>
        new(Corpus.Rows.Where(r => r.Model == corpusModel).Select(r => r.Path).ToList(), ["--model", model], onePerFile, Temporary: false);

    static List<Op> TrivialHistory() =>
    [
        new(0, 0, 0, OpType.Invoke, "write", 1L),
        new(1, 1, 0, OpType.Ok, "write", 1L),
        new(2, 2, 1, OpType.Invoke, "read", null),
        new(3, 3, 1, OpType.Ok, "read", 1L),
    ];

    static Result Trivial() => Measure(ModelCatalog.Create("register"), Pairing.Pair(TrivialHistory()), split: true);

    static void WarmUp()
    {
        var small = BigHistory.Generate(300, 1, 5, seed: 3, injectStaleRead: true, crashShare: 0.1);
        Measure(ModelCatalog.Create("cas-register"), Pairing.Pair(small.History), split: true);
        GC.Collect();
    }

    /// <summary>Checks without shrinking, then (if invalid) again with the default shrinker, timing the shrinking alone.</summary>
    static Result Measure(Model model, IReadOnlyList<Operation> ops, bool split)
    {
        var options = new LinearizabilityOptions { SplitByKey = split, Timeout = SearchLimit };
        var clock = Stopwatch.StartNew();
        var result = new LinearizabilityChecker(model, options with { ShrinkTime = TimeSpan.Zero }).Check(ops);
        var search = clock.Elapsed.TotalMilliseconds;
        var report = (LinearizabilityReport)result.Details!;
        double? shrink = null;
        if (result.Verdict == Verdict.Invalid)
        {
            var again = (LinearizabilityReport)new LinearizabilityChecker(model, options).Check(ops).Details!;
            shrink = again.Failure!.ShrinkSeconds * 1000;
        }
        return new Result(result.Verdict.ToString().ToLowerInvariant() + (report.Cause is { } c ? $" ({c})" : ""), search, shrink, report.Configurations);
    }

    static Result CorpusGroup(string corpusModel, string model, bool split)
    {
        var rows = Corpus.Rows.Where(r => r.Model == corpusModel).ToList();
        var inputs = rows.Select(r => (Row: r, Ops: Pairing.Pair(HistoryFile.Load(r.Path), r.File))).ToList();
        var m = ModelCatalog.Create(model);
        double search = 0, shrink = 0;
        long configurations = 0;
        int wrong = 0, invalid = 0;
        var slowest = (Ms: 0.0, File: "");
        foreach (var (row, ops) in inputs)
        {
            var r = Measure(m, ops, split);
            search += r.SearchMs;
            shrink += r.ShrinkMs ?? 0;
            configurations += r.Configurations;
            if (r.Verdict.StartsWith("invalid")) invalid++;
            if (r.Verdict.StartsWith("valid") != row.ExpectedOk) wrong++;
            if (r.SearchMs > slowest.Ms) slowest = (r.SearchMs, Path.GetFileName(row.File));
        }
        return new Result(wrong == 0 ? "agree" : $"{wrong} WRONG", search, shrink, configurations,
            $"{rows.Count} histories, {invalid} invalid; slowest {slowest.File} {slowest.Ms:F0} ms");
    }

    /// <summary>c50-ok split by key: reading and pairing, each key searched alone in turn, and the whole check on 2 cores.</summary>
    static Result KvSplitDetail()
    {
        var row = Corpus.Rows.First(r => r.File.EndsWith("c50-ok.txt"));
        var model = ModelCatalog.Create("kv");
        var clock = Stopwatch.StartNew();
        var history = HistoryFile.Load(row.Path);
        var read = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var ops = Pairing.Pair(history, row.File);
        var paired = clock.Elapsed.TotalMilliseconds;
        var options = new LinearizabilityOptions { ShrinkTime = TimeSpan.Zero };
        var perKey = new List<string>();
        double sum = 0;
        foreach (var key in ops.GroupBy(o => o.Key))
        {
            var keyOps = key.ToList();
            clock.Restart();
            var r = (LinearizabilityReport)new LinearizabilityChecker(model, options).Check(keyOps).Details!;
            sum += clock.Elapsed.TotalMilliseconds;
            perKey.Add($"{key.Key}: {keyOps.Count} ops {clock.Elapsed.TotalMilliseconds:F0} ms {r.Configurations:N0} configs");
        }
        clock.Restart();
        var whole = new LinearizabilityChecker(model, options).Check(ops);
        var all = clock.Elapsed.TotalMilliseconds;
        return new Result(whole.Verdict.ToString().ToLowerInvariant(), all, null, ((LinearizabilityReport)whole.Details!).Configurations,
            $"read {read:F0} ms, pair {paired:F0} ms; keys one at a time {sum:F0} ms in all ({string.Join("; ", perKey)})");
    }

    static Result BigFromFile()
    {
        var generated = BigHistory.Generate(1_000_000, 1_000, 50, seed: 7, injectStaleRead: false);
        var path = Path.Combine(Path.GetTempPath(), $"checker-shapes-{Environment.ProcessId}.jsonl");
        try
        {
            using (var w = new StreamWriter(path)) JsonLinesHistory.WriteAll(w, generated.History);
            generated = null;
            GC.Collect();
            var clock = Stopwatch.StartNew();
            var loaded = HistoryFile.Load(path);
            var read = clock.Elapsed.TotalMilliseconds;
            var result = new LinearizabilityChecker(ModelCatalog.Create("cas-register"), new LinearizabilityOptions { Timeout = SearchLimit }).Check(loaded);
            var report = (LinearizabilityReport)result.Details!;
            return new Result(result.Verdict.ToString().ToLowerInvariant(), clock.Elapsed.TotalMilliseconds, null, report.Configurations, $"read {read:F0} ms of it");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
