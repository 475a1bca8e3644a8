using Checker.Core.Checks;

namespace Checker.Report.Tests;

public class RunsIndexTests
{
    [Fact]
    public void Lists_every_run_newest_first_with_verdicts_and_a_trend_per_test()
    {
        var root = TestData.TempDir("results-root");
        void Run(string test, string stamp, Verdict verdict, int ops)
        {
            var history = TestData.Made(ops);
            RunReport.Write(Path.Combine(root, test, stamp), history, [new CheckResult("linearizable", verdict, ""), new StatsChecker().Check(history)]);
        }
        Run("register", "20250101T010000", Verdict.Valid, 100);
        Run("register", "20250102T010000", Verdict.Invalid, 120);
        Run("queue", "20250101T120000", Verdict.Unknown, 80);
        Directory.CreateSymbolicLink(Path.Combine(root, "register", "latest"), "20250102T010000");
        Directory.CreateDirectory(Path.Combine(root, "register", "20250103T010000")); // a run that left nothing yet

        var runs = RunsIndex.Write(root);
        Assert.Equal(["20250102T010000", "20250101T120000", "20250101T010000"], runs.Select(r => r.Run));
        var html = File.ReadAllText(Path.Combine(root, "index.html"));
        Assert.Contains("href=\"register/20250102T010000/index.html\"", html);
        Assert.DoesNotContain("register/latest", html);
        var table = html[html.IndexOf("<h2>Runs</h2>", StringComparison.Ordinal)..];
        Assert.True(table.IndexOf(">20250102T010000<", StringComparison.Ordinal) < table.IndexOf(">20250101T010000<", StringComparison.Ordinal));
        Assert.Contains("badge invalid", html);
        Assert.Contains("badge unknown", html);
        Assert.Contains("<polyline", html); // the p99 trend
        Assert.Equal(3, runs.Count(r => r.Summary.Ok > 0));
    }
}
