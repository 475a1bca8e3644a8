using Checker.Report.Compare;

namespace Checker.Cli.Commands;

/// <summary>checker compare RUN_A RUN_B: two runs side by side, as a table and as compare.html.</summary>
public static class CompareCommand
{
    const string Help = """
        usage: checker compare RUN_A RUN_B [--out DIR]
               checker compare RESULTS_A RESULTS_B [--out DIR]

        Compares two run folders (e.g. the current build as A, a candidate as B): verdicts, ok/s, latency
        p50/p95/p99 per operation, fail and info rates, per fault kind the time from heal to the first ok
        operation on every node, the longest outage, anomalies. Changes beyond noise are marked, with the
        rule. Prints the table and writes compare.html with overlaid plots into DIR (default: RUN_B).
        Given two results folders (two suites' runs), each test in both is compared newest run against
        newest run, into DIR/TEST/compare.html (default DIR: RESULTS_B/compare).
        Exit codes: 0 written, 3 a folder is not a run, 4 usage.
        """;

    public static int Execute(string[] argv)
    {
        if (argv.Any(a => a is "-h" or "--help"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        var args = new Args(argv);
        var outDir = args.Get("out");
        args.RejectUnknown();
        if (args.Positional.Count != 2)
            return App.UsageError("compare takes two run folders: RUN_A RUN_B");
        var (a, b) = (args.Positional[0], args.Positional[1]);
        Console.Out.Write(
            IsRun(a) || IsRun(b) ? Write(a, b, outDir) : WriteSuites(a, b, outDir ?? Path.Combine(b, "compare"))
        );
        return 0;
    }

    static bool IsRun(string dir) => File.Exists(Path.Combine(dir, "results.json"));

    /// <summary>
    /// Two results folders (two suites' runs): each test found in both is compared newest run against
    /// newest run, its page in OUT/TEST/compare.html. Tests only one side ran are named, not compared.
    /// </summary>
    public static string WriteSuites(string resultsA, string resultsB, string outDir)
    {
        foreach (var dir in new[] { resultsA, resultsB })
            if (!Directory.Exists(dir))
                throw new Report.ReportInputException($"{dir}: no such run or results folder");
        var newestA = Newest(resultsA);
        var newestB = Newest(resultsB);
        if (newestA.Count == 0 || newestB.Count == 0)
            throw new Report.ReportInputException(
                $"{(newestA.Count == 0 ? resultsA : resultsB)}: neither a run folder (results.json) nor a results "
                    + $"folder with runs"
            );
        var text = new System.Text.StringBuilder();
        foreach (var test in newestA.Keys.Intersect(newestB.Keys).Order(StringComparer.Ordinal))
        {
            text.AppendLine($"== {test}");
            text.Append(Write(newestA[test], newestB[test], Path.Combine(outDir, test)));
        }
        foreach (var test in newestA.Keys.Except(newestB.Keys).Order(StringComparer.Ordinal))
            text.AppendLine($"{test}: only in {resultsA}");
        foreach (var test in newestB.Keys.Except(newestA.Keys).Order(StringComparer.Ordinal))
            text.AppendLine($"{test}: only in {resultsB}");
        return text.ToString();
    }

    /// <summary>The newest finished run (one with results.json) of each test under a results folder.</summary>
    static Dictionary<string, string> Newest(string resultsRoot) =>
        Report
            .RunsIndex.Scan(resultsRoot)
            .Where(r => IsRun(Path.Combine(resultsRoot, r.RelativeDir)))
            .GroupBy(r => r.Test)
            .ToDictionary(g => g.Key, g => Path.Combine(resultsRoot, g.First().RelativeDir)); // Scan lists newest first

    /// <summary>Compares, writes compare.html, and returns the table with the page's path.</summary>
    public static string Write(string runA, string runB, string? outDir = null)
    {
        foreach (var dir in new[] { runA, runB })
            if (!Directory.Exists(dir))
                throw new Report.ReportInputException($"{dir}: no such run folder");
        var comparison = new RunComparison(runA, runB);
        var page = ComparePage.Write(comparison, outDir ?? runB);
        return comparison.Table() + $"compare: {page}\n";
    }
}
