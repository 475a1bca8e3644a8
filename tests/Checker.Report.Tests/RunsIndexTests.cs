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

    [Fact]
    public void A_run_killed_before_it_wrote_results_is_incomplete_and_never_valid()
    {
        var root = TestData.TempDir("results-killed");
        var runDir = Path.Combine(root, "register", "20250104T010000");
        Directory.CreateDirectory(runDir);
        using (var w = new StreamWriter(Path.Combine(runDir, "history.jsonl")))
            Core.Formats.JsonLinesHistory.WriteAll(w, TestData.Made(200)); // a valid history, cut short: no results.json

        RunReport.Regenerate(runDir);
        var runs = RunsIndex.Write(root);
        var run = Assert.Single(runs);
        Assert.True(run.Summary.Incomplete);
        Assert.NotEqual(Verdict.Valid, run.Summary.Verdict);
        var html = File.ReadAllText(Path.Combine(root, "index.html"));
        Assert.Contains("INCOMPLETE", html);
        Assert.DoesNotContain("badge valid", html);
        Assert.Contains("Incomplete run", File.ReadAllText(Path.Combine(runDir, "index.html")));
    }

    [Fact]
    public void Shows_what_set_each_run_apart_so_runs_of_one_test_with_different_settings_do_not_look_the_same()
    {
        var root = TestData.TempDir("results-settings");
        void Run(string stamp, bool syncReads)
        {
            var dir = Path.Combine(root, "register", stamp);
            var history = TestData.Made(100);
            RunReport.Write(dir, history, [new CheckResult("linearizable", Verdict.Valid, ""), new StatsChecker().Check(history)]);
            File.WriteAllText(Path.Combine(dir, "spec.json"), $"{{\"name\":\"register\",\"seed\":{stamp[^2..]},\"workload\":{{\"syncReads\":{(syncReads ? "true" : "false")}}}}}");
        }
        Run("20250101T010000", true);
        Run("20250101T020000", true);
        Run("20250101T030000", false);
        File.WriteAllText(Path.Combine(root, "register", "20250101T020000", "results.json"),
            "{\"verdict\":\"valid\",\"overrides\":{\"time-limit\":\"30\"},\"checks\":{}}");

        var runs = RunsIndex.Write(root);
        Assert.Equal("false", runs.Single(r => r.Run == "20250101T030000").Settings["workload.syncReads"]);
        Assert.Empty(runs.Single(r => r.Run == "20250101T010000").Settings);
        Assert.Equal("30", runs.Single(r => r.Run == "20250101T020000").Settings["time-limit"]);
        var html = File.ReadAllText(Path.Combine(root, "index.html"));
        Assert.Contains("<code>--workload.syncReads false</code>", html);
        Assert.Contains("<code>--time-limit 30</code>", html);
    }
}
