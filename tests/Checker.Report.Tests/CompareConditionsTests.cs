using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Report.Compare;
using static System.StringComparison;

namespace Checker.Report.Tests;

/// <summary>
/// checker compare sets the runs' conditions side by side and says when they differ, so the machine is not
/// taken for the build.
/// </summary>
public class CompareConditionsTests
{
    /// <summary>
    /// A run folder: 60 s of writes, one every 100 ms, each taking about latencyMs, with results.json as the
    /// runner writes it (the stats check; conditions when given, as their JSON).
    /// </summary>
    static string Run(string root, string name, double latencyMs, string? conditions)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        var lines = new List<string>();
        var random = new Random(name.Length);
        for (var i = 0; i < 600; i++)
        {
            var call = i * 100_000_000L;
            var took = (long)(latencyMs * (0.8 + 0.4 * random.NextDouble()) * 1e6);
            string Record(int index, long time, string type) =>
                $"{{\"index\":{index},\"time\":{time},\"process\":{i % 4},\"type\":\"{type}\"," +
                $"\"f\":\"write\",\"value\":{i}}}";
            lines.Add(Record(2 * i, call, "invoke"));
            lines.Add(Record(2 * i + 1, call + took, "ok"));
        }
        File.WriteAllLines(Path.Combine(dir, "history.jsonl"), lines);
        var history = HistoryFile.Load(Path.Combine(dir, "history.jsonl"));
        var results = new Dictionary<string, object?>
        {
            ["test"] = "register", ["verdict"] = Verdict.Valid, ["nodes"] = "local", ["network"] = "proxy",
            ["checks"] = ResultsJson.Checks([new StatsChecker().Check(history)]),
        };
        if (conditions is not null) results["conditions"] = Newtonsoft.Json.Linq.JObject.Parse(conditions);
        File.WriteAllText(Path.Combine(dir, "results.json"), ResultsJson.Serialize(results));
        return dir;
    }

    static string Conditions(double loadStart, double loadEnd, string kind = "local", string isolation = "proxy") =>
        $$"""
        {"loadAtStart":[{{loadStart}},5,4],"loadAtEnd":[{{loadEnd}},6,4],"cores":2,"provider":"local",
         "isolation":"{{isolation}}","nodeKind":"{{kind}}","network":"proxy","kernel":"6.1.0","checker":"1.0.0+abc"}
        """;

    [Fact]
    public void Runs_at_load_10_and_6_are_said_to_differ_and_their_latency_changes_are_not_called_plain_regressions()
    {
        var root = TestData.TempDir("compare-load");
        var c = new RunComparison(Run(root, "a", 10, Conditions(10.2, 10.6)), Run(root, "b", 20, Conditions(6.1, 6.5)));

        Assert.True(c.ConditionsDiffer);
        Assert.Contains(c.ConditionDifferences, d => d.StartsWith("machine load: 10.4 against 6.3", Ordinal));
        var latency = c.Rows.Where(r => r.Section == "latency (ms)" && r.Marked).ToList();
        Assert.NotEmpty(latency); // the histories do differ beyond noise...
        Assert.All(latency, r => Assert.Equal("?", r.Mark)); // ...but under different load, which the mark says

        var table = c.Table();
        Assert.Contains("CONDITIONS DIFFER", table);
        Assert.Matches(@"!\s+load average at start \(1, 5, 15 min\)\s+10\.2 5 4\s+6\.1 5 4\s+differs", table);
        Assert.Matches(@"\s+node kind\s+local\s+local", table);
        Assert.Matches(@"\s+cores\s+2\s+2", table);

        var page = File.ReadAllText(ComparePage.Write(c, Path.Combine(root, "out")));
        Assert.Contains("id=\"conditions-warning\"", page);
        Assert.Contains("machine load: 10.4 against 6.3", page);
        Assert.Contains("<pre>10.2 5 4</pre>", page);
        Assert.Contains("under different conditions", page);
    }

    [Fact]
    public void Runs_under_the_same_conditions_keep_their_marks_and_a_different_node_kind_is_named()
    {
        var root = TestData.TempDir("compare-same");
        var same = new RunComparison(Run(root, "a", 10, Conditions(1.0, 1.2)),
            Run(root, "b", 20, Conditions(1.1, 1.4)));
        Assert.False(same.ConditionsDiffer);
        Assert.Empty(same.ConditionDifferences);
        Assert.Contains(same.Rows, r => r.Section == "latency (ms)" && r.Mark == "*");
        Assert.DoesNotContain("CONDITIONS DIFFER", same.Table());

        var kinds = new RunComparison(Path.Combine(root, "a"),
            Run(root, "c", 10, Conditions(1.0, 1.2, "netns", "netns")));
        Assert.Contains("node kind: local against netns", kinds.ConditionDifferences);
        Assert.Contains("isolation: proxy against netns", kinds.ConditionDifferences);
        Assert.Equal("!", kinds.Rows.Single(r => r.Figure == "node kind").Mark);
    }

    [Fact]
    public void An_older_results_json_without_conditions_still_compares_and_says_its_conditions_are_unknown()
    {
        var root = TestData.TempDir("compare-old");
        var c = new RunComparison(Run(root, "a", 10, null), Run(root, "b", 10, Conditions(1.0, 1.2)));
        Assert.False(c.ConditionsDiffer);
        Assert.Contains(c.ConditionDifferences, d => d.StartsWith("conditions unknown for A", Ordinal));
        var kind = c.Rows.Single(r => r.Figure == "node kind");
        Assert.Equal(("local", "local"), (kind.A, kind.B)); // read from the top-level "nodes" of the older file
        Assert.Equal("unknown", c.Rows.Single(r => r.Figure.StartsWith("load average at start", Ordinal)).A);
        Assert.Contains("conditions unknown for A", c.Table());
    }
}
