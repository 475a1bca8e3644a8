using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Report;

namespace Checker.Cli.Commands;

/// <summary>
/// checker check FILE: judges a recorded history (Checker's or Jepsen's) for linearizability, and,
/// when it has times and nemesis operations, for recovery after each heal.
/// </summary>
public static class CheckCommand
{
    const string Help = """
        usage: checker check FILE [--model M] [--format F] [--initial V] [--timeout S] [--no-split] [--json] [--report DIR]
                                  [--recovery-budget S] [--stall S]

          --model M      register, cas-register, mutex, set, unordered-queue, fifo-queue, multi-register, kv
                         (default: guessed from the operations' f)
          --format F     auto (default), jsonl, edn or log (Jepsen's text log)
          --initial V    the object's initial value, as EDN or JSON (default: nil; "" for kv)
          --timeout S    give up after S seconds: the verdict is then unknown
          --no-split     check the history as one object instead of key by key
          --shrink S     seconds to spend shrinking a counterexample (default 5)
          --json         print the result as JSON
          --report DIR   also write plots and pages (index.html, timeline, counterexample) into DIR
          --recovery-budget S  a timed history with nemesis ops is also checked for recovery: after each
                         heal, ops must succeed again within S seconds (default 20)
          --stall S      ... and progress must never stop for S seconds while no fault is active (default 10)
        exit: 0 valid, 1 invalid, 2 unknown, 3 bad input, 4 usage
        """;

    public static int Execute(string[] argv)
    {
        var args = new Args(argv, "json", "no-split", "help");
        if (args.Flag("help"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        if (args.Positional.Count != 1) throw new UsageException("check needs exactly one history file");
        var path = args.Positional[0];
        var format = HistoryFile.ParseFormat(args.Get("format") ?? "auto");
        var modelName = args.Get("model");
        var initialText = args.Get("initial");
        var timeout = args.Seconds("timeout");
        var shrink = args.Seconds("shrink");
        var split = !args.Flag("no-split");
        var json = args.Flag("json");
        var reportDir = args.Get("report");
        var recovery = new RecoveryOptions(TimeSpan.FromSeconds(args.Seconds("recovery-budget") ?? 20), TimeSpan.FromSeconds(args.Seconds("stall") ?? 10));
        args.RejectUnknown();

        if (!File.Exists(path)) return App.BadInputError($"{path}: no such file");
        var history = HistoryFile.Load(path, format);
        var options = new LinearizabilityOptions
        {
            Timeout = timeout is { } t ? TimeSpan.FromSeconds(t) : null,
            SplitByKey = split,
            ShrinkTime = TimeSpan.FromSeconds(shrink ?? 5),
            Source = path,
        };
        var ops = Pairing.Pair(history, path, options.Tuples);
        var model = ModelCatalog.Create(modelName ?? ModelCatalog.Guess(ops), initialText is null ? null : ParseValue(initialText));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var result = new LinearizabilityChecker(model, options).Check(ops, cancel.Token);
        List<CheckResult> results = [result];
        if (history.Count > 0 && history.All(o => o.Time >= 0) && history.Any(o => o.IsNemesis))
            results.Add(new RecoveryChecker(recovery).Check(history, cancel.Token));
        var verdict = Verdicts.Combine(results.Select(r => r.Verdict));
        if (json)
        {
            // The shape of a run's results.json, so tools read both alike.
            Console.Out.WriteLine(ResultsJson.Serialize(new Dictionary<string, object?> { ["file"] = path, ["verdict"] = verdict, ["checks"] = ResultsJson.Checks(results) }));
        }
        else
        {
            Console.Out.Write(Describe(path, history, verdict, results));
        }
        if (reportDir is not null)
        {
            Directory.CreateDirectory(reportDir);
            RunReport.Write(reportDir, history, [.. results, new StatsChecker().Check(history)], new ReportOptions { Title = Path.GetFileName(path) });
            Console.Error.WriteLine($"report: {Path.Combine(reportDir, "index.html")}");
        }
        return Verdicts.ExitCode(verdict);
    }


    static object? ParseValue(string text)
    {
        var reader = new EdnReader(new StringReader(text), "--initial");
        var value = reader.ReadForm();
        if (!reader.AtEnd) throw new UsageException($"--initial takes one value, not '{text}'");
        return value;
    }

    /// <summary>The human summary: overall verdict, then each check, the linearizability explanation in full.</summary>
    internal static string Describe(string path, IReadOnlyList<Op> history, Verdict verdict, IReadOnlyList<CheckResult> results)
    {
        var w = new StringWriter();
        var failed = history.Count(o => o.Type == OpType.Fail && !o.IsNemesis);
        w.WriteLine($"{path}: {history.Count} records, {failed} failed ops (they did not happen)");
        w.WriteLine($"verdict: {verdict.ToString().ToUpperInvariant()}");
        foreach (var r in results)
        {
            // Summaries that already name their check ("NOT linearizable: ...") stand alone.
            var named = r.Summary.Split(':')[0].Contains(r.Checker, StringComparison.OrdinalIgnoreCase);
            w.WriteLine($"{(named ? "" : $"{r.Checker} {r.Verdict.ToString().ToLowerInvariant()}: ")}{r.Summary.Replace("\n", "\n  ")}");
        }
        if (results[0].Details is LinearizabilityReport { Failure: { } f })
        {
            w.WriteLine();
            w.WriteLine($"cannot linearize: {f.Failed}");
            if (f.LastLinearized is { } last) w.WriteLine($"last linearized:  {last}");
            w.WriteLine($"possible states then: {States(f.States)}");
            w.WriteLine($"longest linearizable prefix: {f.Prefix.Count} ops");
            w.WriteLine();
            w.WriteLine($"minimal counterexample ({f.Minimal.Count} ops{(f.MinimalIsMinimal ? "" : ", shrinking stopped early")}):");
            w.WriteLine(f.MinimalStartsAfter is { } after
                ? $"  starting from {States(f.MinimalStartsFrom)}, the states possible after op {after.InvokeIndex} ({after.F})"
                : $"  starting from the initial state {States(f.MinimalStartsFrom)}");
            foreach (var op in f.Minimal) w.WriteLine($"  {op}");
            w.WriteLine("  no order of these is legal, whichever other ops took effect");
        }
        return w.ToString();
    }

    /// <summary>A few states, each cut short: a kv store's whole map can run to pages.</summary>
    static string States(IReadOnlyList<string> states)
    {
        static string Cut(string s) => s.Length <= 160 ? s : s[..157] + "...";
        var shown = string.Join(" | ", states.Take(3).Select(Cut));
        return states.Count > 3 ? $"{shown} | ({states.Count - 3} more)" : shown;
    }
}
