using Checker.Core.Linearizability;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Report.Data;
using Checker.Report.Pages;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace Checker.Report.Tests;

public class RunReportTests
{
    static readonly string[] Plots = ["latency-raw.png", "latency-quantiles.png", "rate.png"];

    [Fact]
    public void Writes_every_artifact_for_an_invalid_jepsen_history_with_links_that_resolve()
    {
        var history = TestData.Etcd000();
        var result = TestData.CheckRegister(history);
        var dir = TestData.TempDir("etcd-report");
        RunReport.Write(dir, history, [result, new StatsChecker().Check(history)], new ReportOptions { Title = "etcd_000" });

        foreach (var f in Plots.Append("anomaly.png").Append("index.html").Append("timeline.html").Append("counterexample.html").Append("summary.json"))
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing");
        var index = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("<span class=\"badge invalid\">INVALID</span> etcd_000", index);
        Assert.True(index.IndexOf("linearizable", StringComparison.Ordinal) < index.IndexOf("latency-raw.png", StringComparison.Ordinal), "verdicts come before the plots");

        var failed = (result.Details as LinearizabilityReport)?.Failure!.Failed.InvokeIndex;
        var counterexample = File.ReadAllText(Path.Combine(dir, "counterexample.html"));
        Assert.Contains($"href=\"timeline.html#op-{failed}\"", counterexample);
        var timeline = File.ReadAllText(Path.Combine(dir, "timeline.html"));
        Assert.Contains($"id=\"op-{failed}\"", timeline);
        Assert.Contains("op ok", timeline);
        Assert.Contains("cx failed", timeline);
    }

    [Fact]
    public void Escapes_values_from_the_history()
    {
        var evil = "<script>alert(\"x\")</script>&";
        var history = new List<Op>
        {
            new(0, 1000, 0, OpType.Invoke, "write", evil),
            new(1, 2000, 0, OpType.Ok, "write", evil),
            new(2, 3000, 1, OpType.Invoke, "read<b>", null),
            new(3, 4000, 1, OpType.Fail, "read<b>", null, Error: "\"quoted\" <error>"),
        };
        var dir = TestData.TempDir("escape");
        RunReport.Write(dir, history, [new CheckResult("odd<checker>", Verdict.Unknown, evil)]);
        foreach (var page in new[] { "index.html", "timeline.html" })
        {
            var html = File.ReadAllText(Path.Combine(dir, page));
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("read<b>", html);
            Assert.DoesNotContain("<checker>", html);
        }
        Assert.Contains("&lt;script&gt;alert(", File.ReadAllText(Path.Combine(dir, "timeline.html")));
        Assert.Contains("&quot;quoted&quot; &lt;error&gt;", File.ReadAllText(Path.Combine(dir, "timeline.html")));
    }

    [Fact]
    public void Windows_a_long_timeline_and_adds_a_window_around_the_failure()
    {
        var history = TestData.Made(1500, staleReadAt: 0.9);
        var result = TestData.CheckRegister(history);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        var dir = TestData.TempDir("windows");
        RunReport.Write(dir, history, [result], new ReportOptions { MaxTimelineRecords = 600 });

        var main = File.ReadAllText(Path.Combine(dir, TimelineWindows.MainFile));
        Assert.Contains($"records 0 to 599 of {history.Count:N0}", main);
        Assert.Contains(TimelineWindows.FailureFile, main);
        var failed = (result.Details as LinearizabilityReport)?.Failure!.Failed.InvokeIndex;
        Assert.DoesNotContain($"id=\"op-{failed}\"", main);
        Assert.Contains($"id=\"op-{failed}\"", File.ReadAllText(Path.Combine(dir, TimelineWindows.FailureFile)));
        Assert.Contains($"href=\"{TimelineWindows.FailureFile}#op-{failed}\"", File.ReadAllText(Path.Combine(dir, "counterexample.html")));
    }

    /// <summary>A run folder as the runner leaves it: history.jsonl and results.json in its camelCase shape.</summary>
    internal static string MakeRunFolder(string name, IReadOnlyList<Op> history, IReadOnlyList<CheckResult>? checks)
    {
        var root = TestData.TempDir(name);
        var dir = Path.Combine(root, "zookeeper-register", "20250101T020304");
        Directory.CreateDirectory(dir);
        using (var w = new StreamWriter(Path.Combine(dir, "history.jsonl"))) JsonLinesHistory.WriteAll(w, history);
        if (checks is not null)
        {
            var results = new Dictionary<string, object?>
            {
                ["test"] = "zookeeper-register",
                ["run"] = "zookeeper-register-20250101T020304-1",
                ["verdict"] = Verdicts.Combine(checks.Select(c => c.Verdict)),
                ["interrupted"] = false,
                ["checks"] = ResultsJson.Checks(checks),
            };
            File.WriteAllText(Path.Combine(dir, "results.json"), ResultsJson.Serialize(results));
        }
        return dir;
    }

    [Fact]
    public void Regenerates_a_run_folder_from_the_runners_results_json()
    {
        var history = TestData.Made(400, staleReadAt: 0.4);
        var checks = new List<CheckResult> { TestData.CheckRegister(history), new StatsChecker().Check(history) };
        var dir = MakeRunFolder("regen", history, checks);
        RunReport.Regenerate(dir);

        var index = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("zookeeper-register 20250101T020304", index);
        Assert.Contains("badge invalid", index);
        Assert.Contains("<td>stats</td>", index);
        Assert.Contains("p99 ms", index); // the stats table, read back from JSON
        var counterexample = File.ReadAllText(Path.Combine(dir, "counterexample.html"));
        Assert.Contains("<code>read -&gt; 99</code>", counterexample); // the planted stale read is the failure, read back from JSON
        Assert.True(File.Exists(Path.Combine(dir, "anomaly.png")));
    }

    [Fact]
    public void Results_json_reads_back_into_the_records_that_wrote_it()
    {
        var history = TestData.Made(400, staleReadAt: 0.4);
        var checks = new List<CheckResult> { TestData.CheckRegister(history), new StatsChecker().Check(history) };
        var run = ResultsFile.Read(Path.Combine(MakeRunFolder("typed", history, checks), "results.json"));

        var written = ((LinearizabilityReport)checks[0].Details!).Failure!;
        var read = ((LinearizabilityReport)run.Checks.Single(c => c.Checker == "linearizable").Details!).Failure!;
        static bool Same(OpView a, OpView b) => a with { Key = null, Input = null, Output = null } == b with { Key = null, Input = null, Output = null }
            && Values.Same(a.Key, b.Key) && Values.Same(a.Input, b.Input) && Values.Same(a.Output, b.Output); // values come back as the same plain data
        Assert.Equal(JsonConvert.SerializeObject(written.Failed), JsonConvert.SerializeObject(read.Failed));
        Assert.IsType<long>(read.Failed.Output); // plain data, as the history reader gives it // plain data, as the history's reader gives it
        Assert.Equal(written.States, read.States);
        Assert.Equal(written.Minimal.Count, read.Minimal.Count);
        Assert.All(written.Minimal.Zip(read.Minimal), p => Assert.True(Same(p.First, p.Second)));
        Assert.Equal(((StatsReport)checks[1].Details!).All, ((StatsReport)run.Checks.Single(c => c.Checker == "stats").Details!).All);
        Assert.Equal(Verdict.Invalid, run.Verdict);
    }

    [Fact]
    public void Regenerating_a_bare_history_runs_the_checks_and_says_so()
    {
        var dir = MakeRunFolder("bare", TestData.Made(200), null);
        RunReport.Regenerate(dir);
        var index = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("There was no results.json", index);
        Assert.Contains("<h1><span class=\"badge unknown\">UNKNOWN</span>", index); // cut short: never VALID overall
        Assert.Contains("(incomplete)", index);
        Assert.Contains("badge valid", index); // the linearizability check itself passed
        Assert.False(File.Exists(Path.Combine(dir, "counterexample.html")));
    }

    [Fact]
    public void A_report_regenerated_as_valid_drops_the_old_counterexample()
    {
        var dir = TestData.TempDir("stale");
        var history = TestData.Etcd000();
        RunReport.Write(dir, history, [TestData.CheckRegister(history)]);
        Assert.True(File.Exists(Path.Combine(dir, "counterexample.html")));
        RunReport.Write(dir, history, [new CheckResult("linearizable", Verdict.Valid, "fine now")]);
        Assert.False(File.Exists(Path.Combine(dir, "counterexample.html")));
        Assert.False(File.Exists(Path.Combine(dir, "anomaly.png")));
    }

    [Fact]
    public void Missing_or_bad_input_names_the_file()
    {
        var empty = TestData.TempDir("no-history");
        var e = Assert.Throws<ReportInputException>(() => RunReport.Regenerate(empty));
        Assert.Contains(Path.Combine(empty, "history.jsonl"), e.Message);

        var dir = MakeRunFolder("bad-results", TestData.Made(50), [new CheckResult("stats", Verdict.Valid, "")]);
        File.WriteAllText(Path.Combine(dir, "results.json"), "{ \"verdict\": ");
        e = Assert.Throws<ReportInputException>(() => RunReport.Regenerate(dir));
        Assert.Contains(Path.Combine(dir, "results.json"), e.Message);

        File.WriteAllText(Path.Combine(dir, "history.jsonl"), "{\"index\":0,\"process\":1}\n");
        var h = Assert.Throws<HistoryFormatException>(() => RunReport.Regenerate(dir));
        Assert.Contains("history.jsonl:1", h.Message);
    }

    [Fact]
    public void Timeline_labels_carry_key_and_value_nil_included_keep_lane_headers_in_view_and_open_at_the_anomaly()
    {
        var history = new List<Op>
        {
            new(0, 1000, 0, OpType.Invoke, "write", 3L, Key: "k1"),
            new(1, 2000, 0, OpType.Ok, "write", 3L, Key: "k1"),
            new(2, 3000, 1, OpType.Invoke, "read", null, Key: "k1"),
            new(3, 4000, 1, OpType.Ok, "read", null, Key: "k1"),
        };
        var dir = TestData.TempDir("timeline-labels");
        var check = TestData.CheckRegister(history);
        Assert.Equal(Verdict.Invalid, check.Verdict); // nil read after the write of 3
        RunReport.Write(dir, history, [check, new StatsChecker().Check(history)]);
        var html = File.ReadAllText(Path.Combine(dir, "timeline.html"));
        Assert.Contains(">&quot;k1&quot; write 3</div>", html);
        Assert.Contains(">&quot;k1&quot; read → nil</div>", html);
        Assert.Contains("position:sticky", html);
        Assert.Contains("class=\"hdrow\"", html);
        Assert.Contains("scrollIntoView", html);
        Assert.Matches("class=\"op [a-z ]*failed", html);
    }

    [Fact]
    public void Pages_count_seconds_from_the_test_start_like_the_history_and_print_the_wall_clock_beside_them()
    {
        const long S = 1_000_000_000;
        var history = new List<Op>
        {
            new(0, 2 * S, 0, OpType.Invoke, "write", 1L),
            new(1, 2 * S + 5_000_000, 0, OpType.Ok, "write", 1L),
            new(2, 9 * S + 386_000_000, Op.NemesisProcess, OpType.Info, "start-partition", null),
            new(3, 12 * S, Op.NemesisProcess, OpType.Info, "stop-partition", null),
        };
        var start = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var d = new HistoryDigest(history, start);
        Assert.Equal(9.386, d.Axis(history[2].Time), 6); // not 7.386: the first op is not the start
        Assert.Equal("9.386000 s (09:00:09.386 UTC)", d.When(history[2].Time));
        Assert.Contains("2026-11-26 09:00:00 UTC", d.AxisLabel);
        var dir = TestData.TempDir("time-base");
        RunReport.Write(dir, history, [new StatsChecker().Check(history)], new ReportOptions { StartedAt = start });
        Assert.Contains("09:00:09.386 UTC", File.ReadAllText(Path.Combine(dir, "timeline.html")));
    }
}
