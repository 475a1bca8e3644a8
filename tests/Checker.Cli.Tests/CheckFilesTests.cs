using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests;

/// <summary>`checker check` on several histories (files and globs) in one process, and with shrinking off.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public class CheckFilesTests
{
    static readonly string Jepsen = Path.Combine(global::Checker.Tests.RepositoryPaths.Corpus, "jepsen");

    static (int Exit, string Out, string Err) Checker(params string[] args) => ChildProcess.Checker(args);

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Several_files_get_one_line_each_and_the_worst_exit_code()
    {
        var invalid = Path.Combine(Jepsen, "etcd_000.log");
        var valid = Path.Combine(Jepsen, "etcd_002.log");
        var missing = Path.Combine(Jepsen, "no-such-history.log");

        var (exit, output, _) = Checker("check", valid, invalid, "--timeout", "60");
        Assert.Equal(1, exit);
        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{valid}: VALID", lines[0]);
        Assert.StartsWith($"{invalid}: INVALID", lines[1]);

        (exit, output, _) = Checker("check", invalid, missing, valid);
        Assert.Equal(3, exit);
        lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{missing}: ERROR (exit 3)", lines[1]);
        Assert.Contains("no such file", lines[1]);
    }

    [Fact]
    public void With_json_every_line_is_json_even_for_a_file_that_cannot_be_read()
    {
        var valid = Path.Combine(Jepsen, "etcd_002.log");
        var missing = Path.Combine(Jepsen, "no-such-history.log");
        var (exit, output, _) = Checker("check", valid, missing, "--json");
        Assert.Equal(3, exit);
        var lines = Lines(output).Select(JObject.Parse).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("valid", (string?)lines[0]["verdict"]);
        Assert.Equal(missing, (string?)lines[1]["file"]);
        Assert.Equal(3, (int)lines[1]["exit"]!);
        Assert.Contains("no such file", (string?)lines[1]["error"]);
    }

    [Theory]
    [InlineData("--timeout", "1e300")]
    [InlineData("--timeout", "Infinity")]
    [InlineData("--recovery-budget", "1e300")]
    [InlineData("--stall", "1e300")]
    [InlineData("--shrink", "1e300")]
    public void A_huge_limit_is_no_limit_for_every_file(string option, string value)
    {
        var invalid = Path.Combine(Jepsen, "etcd_000.log");
        var valid = Path.Combine(Jepsen, "etcd_002.log");
        var (exit, output, err) = Checker("check", valid, invalid, option, value);
        Assert.True(exit == 1, err);
        var lines = Lines(output);
        Assert.StartsWith($"{valid}: VALID", lines[0]);
        Assert.StartsWith($"{invalid}: INVALID", lines[1]);
    }

    [Fact]
    public void A_quoted_glob_checks_every_matching_file_in_name_order()
    {
        var (exit, output, _) = Checker("check", Path.Combine(Jepsen, "etcd_00?.log"), "--json");
        var lines = Lines(output);
        Assert.Equal(10, lines.Length);
        var files = lines.Select(l => (string)JObject.Parse(l)["file"]!).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Path.Combine(Jepsen, $"etcd_00{i}.log")), files);
        var verdicts = lines.Select(l => (string)JObject.Parse(l)["verdict"]!).ToList();
        Assert.Equal(verdicts.Contains("invalid") ? 1 : 0, exit);
    }

    [Fact]
    public void A_bad_option_is_said_once_with_the_usage_exit_code()
    {
        var (exit, output, err) = Checker("check", Path.Combine(Jepsen, "etcd_000.log"), Path.Combine(Jepsen, "etcd_001.log"), "--bogus", "1");
        Assert.Equal(4, exit);
        Assert.Equal("", output);
        Assert.Single(Lines(err), l => l.Contains("--bogus"));
    }

    [Fact]
    public void Shrink_zero_prints_the_history_prefix_as_such_and_a_negative_shrink_is_refused()
    {
        var file = Path.Combine(Jepsen, "etcd_000.log");
        var (exit, output, _) = Checker("check", file, "--shrink", "0");
        Assert.Equal(1, exit);
        Assert.DoesNotContain("minimal", output);
        Assert.Contains("counterexample: the history prefix up to the op that cannot be linearized (29 ops, not shrunk; shrinking is turned off):", output);
        var failure = JObject.Parse(Checker("check", file, "--shrink", "0", "--json").Out)["checks"]!["linearizable"]!["details"]!["failure"]!;
        Assert.Equal("historyPrefix", (string?)failure["kind"]);
        Assert.False((bool)failure["minimalIsMinimal"]!);
        Assert.Equal(29, ((JArray)failure["minimal"]!).Count);
        Assert.Equal(29, (int)failure["prefixOps"]!);
        Assert.StartsWith("counterexample: the history prefix", (string?)failure["counterexample"]);
        (exit, _, _) = Checker("check", file, "--shrink", "-1");
        Assert.Equal(4, exit);
    }

    [Fact]
    public void A_shrink_cut_short_is_called_partly_shrunk_with_how_far_it_got_never_minimal()
    {
        // A microsecond: the deadline passes during the first re-check, before any weakening step.
        var file = Path.Combine(Jepsen, "etcd_000.log");
        var (exit, output, _) = Checker("check", file, "--shrink", "0.000001");
        Assert.Equal(1, exit);
        Assert.DoesNotContain("minimal counterexample", output);
        Assert.Contains("partly shrunk counterexample (29 of the 29 ops in the history prefix; shrinking stopped early, " +
                        "out of its time (0.000001 s) while weakening groups of 14 ops; a smaller set may exist):", output);
        var failure = JObject.Parse(Checker("check", file, "--shrink", "0.000001", "--json").Out)["checks"]!["linearizable"]!["details"]!["failure"]!;
        Assert.Equal("partlyShrunk", (string?)failure["kind"]);
        Assert.False((bool)failure["minimalIsMinimal"]!);

        (exit, output, _) = Checker("check", file);
        Assert.Equal(1, exit);
        Assert.Contains("minimal counterexample (1 op, shrunk from 29):", output);
    }
}
