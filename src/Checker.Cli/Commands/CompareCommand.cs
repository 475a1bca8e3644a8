using Checker.Report.Compare;

namespace Checker.Cli.Commands;

/// <summary>checker compare RUN_A RUN_B: two runs side by side, as a table and as compare.html.</summary>
public static class CompareCommand
{
    const string Help = """
        usage: checker compare RUN_A RUN_B [--out DIR]

        Compares two run folders (e.g. the current build as A, a candidate as B): verdicts, ok/s, latency
        p50/p95/p99 per operation, fail and info rates, per fault kind the time from heal to the first ok
        operation on every node, the longest outage, anomalies. Changes beyond noise are marked, with the
        rule. Prints the table and writes compare.html with overlaid plots into DIR (default: RUN_B).
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
        if (args.Positional.Count != 2) return App.UsageError("compare takes two run folders: RUN_A RUN_B");
        Console.Out.Write(Write(args.Positional[0], args.Positional[1], outDir));
        return 0;
    }

    /// <summary>Compares, writes compare.html, and returns the table with the page's path.</summary>
    public static string Write(string runA, string runB, string? outDir = null)
    {
        foreach (var dir in new[] { runA, runB })
            if (!Directory.Exists(dir)) throw new Report.ReportInputException($"{dir}: no such run folder");
        var comparison = new RunComparison(runA, runB);
        var page = ComparePage.Write(comparison, outDir ?? runB);
        return comparison.Table() + $"compare: {page}\n";
    }
}
