namespace Checker.Cli.Tests;

/// <summary>`checker report RUN` as its help describes it: the run's pages, and the runs index above it.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public sealed class ReportCommandTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("checker-cli-report-index-").FullName;

    /// <summary>RESULTS/register/STAMP with a short valid register history alone, as a killed run leaves it.</summary>
    string RunFolder(string stamp)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "register", stamp)).FullName;
        var lines = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (f, value) = i % 2 == 0 ? ("write", $"{i}") : ("read", $"{i - 1}");
            string Record(int index, long time, string type, string v) =>
                $"{{\"index\":{index},\"time\":{time},\"process\":0,\"type\":\"{type}\",\"f\":\"{f}\",\"value\":{v}}}";
            lines.Add(Record(2 * i, 2_000_000L * i, "invoke", f == "write" ? value : "null"));
            lines.Add(Record(2 * i + 1, 2_000_000L * i + 1_000_000, "ok", value));
        }
        File.WriteAllLines(Path.Combine(dir, "history.jsonl"), lines);
        return dir;
    }

    [Fact]
    public void Report_of_a_run_cut_short_rewrites_the_runs_index_which_marks_it_incomplete()
    {
        var run = RunFolder("20250104T010000");
        var (exit, _, err) = CheckCommandTests.Checker("report", run);
        Assert.True(exit == 0, err);
        var index = Path.Combine(root, "index.html");
        Assert.True(File.Exists(index), "report RUN did not write the runs index two folders up");
        var html = File.ReadAllText(index);
        Assert.Contains("20250104T010000", html);
        Assert.Contains("INCOMPLETE", html);
    }

    [Fact]
    public void Report_through_the_latest_link_rewrites_the_index_and_of_a_folder_elsewhere_leaves_all_above_alone()
    {
        var first = RunFolder("20250104T010000");
        CheckCommandTests.Checker("report", first);
        var second = RunFolder("20250105T010000-2");
        Directory.CreateSymbolicLink(Path.Combine(root, "register", "latest"), "20250105T010000-2");
        var (exit, _, err) = CheckCommandTests.Checker("report", Path.Combine(root, "register", "latest") + "/");
        Assert.True(exit == 0, err);
        Assert.True(File.Exists(Path.Combine(second, "index.html")));
        Assert.Contains("20250105T010000-2", File.ReadAllText(Path.Combine(root, "index.html")));

        // A history in a folder the runner did not make: its report is written, nothing above it is.
        var elsewhere = Directory.CreateDirectory(Path.Combine(root, "mine", "by-hand")).FullName;
        File.Copy(Path.Combine(first, "history.jsonl"), Path.Combine(elsewhere, "history.jsonl"));
        File.Delete(Path.Combine(root, "index.html"));
        Assert.Equal(0, CheckCommandTests.Checker("report", elsewhere).Exit);
        Assert.True(File.Exists(Path.Combine(elsewhere, "index.html")));
        Assert.False(File.Exists(Path.Combine(root, "index.html")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
