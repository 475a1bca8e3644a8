using System.Globalization;
using Checker.Report;

namespace Checker.Report.Tests;

/// <summary>Pruning old runs keeps what a person still needs: the newest valid and invalid run of every test.</summary>
public sealed class RetentionTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("checker-retention-").FullName;
    static readonly DateTime Now = new(2026, 11, 26, 6, 0, 0);

    string Run(string test, int daysAgo, string? verdict, int hour = 2)
    {
        var name = Now.AddDays(-daysAgo).Date.AddHours(hour).ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var dir = Directory.CreateDirectory(Path.Combine(root, test, name)).FullName;
        if (verdict is not null)
            File.WriteAllText(Path.Combine(dir, "results.json"), $$$"""{"test": "{{{test}}}", "verdict": "{{{verdict}}}", "checks": {}}""");
        else File.WriteAllText(Path.Combine(dir, "history.jsonl"), ""); // a run still going: no results yet
        return name;
    }

    List<string> Left(string test) => Directory.GetDirectories(Path.Combine(root, test)).Select(Path.GetFileName).Order().ToList()!;

    [Fact]
    public void Keep_n_keeps_the_newest_n_and_the_newest_valid_and_invalid_run()
    {
        var oldInvalid = Run("zk", 10, "invalid");
        var oldValid = Run("zk", 9, "valid");
        Run("zk", 8, "valid");
        var unknowns = Enumerable.Range(1, 5).Select(d => Run("zk", d, "unknown")).ToList(); // the newest five
        var etcdOnly = Run("etcd", 30, "valid");

        var removed = RunsRetention.Prune(root, new RetentionRule(2, null), Now);

        // The newest two (unknown), the newest invalid (10 days old) and the newest valid (8 days old).
        Assert.Equal(new[] { oldInvalid, Now.AddDays(-8).Date.AddHours(2).ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture), unknowns[1], unknowns[0] }.Order(), Left("zk"));
        Assert.DoesNotContain(oldValid, Left("zk")); // an older valid run is not protected
        Assert.Equal([etcdOnly], Left("etcd"));
        Assert.Equal(4, removed.Count);
        Assert.True(File.Exists(Path.Combine(root, "index.html")));
        var index = File.ReadAllText(Path.Combine(root, "index.html"));
        Assert.DoesNotContain(oldValid, index);
        Assert.Contains(oldInvalid, index);
    }

    [Fact]
    public void Older_than_removes_old_runs_but_not_the_protected_ones_nor_unfinished_ones()
    {
        var unfinished = Run("zk", 20, null);
        var invalid = Run("zk", 15, "invalid");
        var oldValid = Run("zk", 12, "valid");
        var oldUnknown = Run("zk", 11, "unknown");
        var recent = Run("zk", 1, "valid");
        var recentUnknown = Run("zk", 0, "unknown");

        var dry = RunsRetention.Prune(root, new RetentionRule(null, TimeSpan.FromDays(7)), Now, dryRun: true);
        Assert.Equal(2, dry.Count);
        Assert.Equal(6, Left("zk").Count); // a dry run removes nothing

        RunsRetention.Prune(root, new RetentionRule(null, TimeSpan.FromDays(7)), Now);
        Assert.Equal(new[] { unfinished, invalid, recent, recentUnknown }.Order(), Left("zk"));
        Assert.DoesNotContain(oldValid, Left("zk"));
        Assert.DoesNotContain(oldUnknown, Left("zk"));
    }

    [Fact]
    public void Latest_is_repointed_when_the_run_it_named_is_removed()
    {
        var old = Run("zk", 30, "unknown", hour: 1);
        var valid = Run("zk", 29, "valid");
        File.CreateSymbolicLink(Path.Combine(root, "zk", "latest"), old);
        RunsRetention.Prune(root, new RetentionRule(null, TimeSpan.FromDays(7)), Now);
        Assert.Equal(valid, new FileInfo(Path.Combine(root, "zk", "latest")).LinkTarget);
        Assert.True(Directory.Exists(Path.Combine(root, "zk", "latest")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
