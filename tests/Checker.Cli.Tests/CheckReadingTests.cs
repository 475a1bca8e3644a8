using static Checker.Tests.JsonLinesText;

namespace Checker.Cli.Tests;

/// <summary>`checker check` on files as their writers wrote them: exit codes and what the output says.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public class CheckReadingTests
{
    static (int Exit, string Out, string Err) Run(params string[] args) => CheckCommandTests.Checker(args);

    [Fact]
    public void A_jepsen_log_with_a_long_preamble_the_relative_time_line_and_a_drain_is_judged()
    {
        var lines = new List<string> { "INFO  jepsen.cli - Test options:", " {:concurrency 3,", "  :nodes [\"n1\" \"n2\" \"n3\"]}" };
        for (var i = 0; i < 200; i++) lines.Add($"INFO  jepsen.os.debian - n{i % 3 + 1} installing packages, step {i} of the setup");
        lines.Add("INFO  jepsen.util - Relative time begins now");
        lines.AddRange([
            "INFO  jepsen.util - 0\t:invoke\t:enqueue\t1", "INFO  jepsen.util - 0\t:ok\t:enqueue\t1",
            "INFO  jepsen.util - 1\t:invoke\t:enqueue\t2", "INFO  jepsen.util - 1\t:ok\t:enqueue\t2",
            "INFO  jepsen.util - 2\t:invoke\t:drain\tnil", "INFO  jepsen.util - 2\t:ok\t:drain\t[1 2]",
        ]);
        var file = TempHistory([.. lines]);
        try
        {
            var (exit, output, err) = Run("check", file, "--workload", "queue");
            Assert.True(exit == 0, output + err);
            Assert.Contains("verdict: VALID", output);
            Assert.Contains("note: read as a Jepsen log: 6 op lines read, 204 of 210 lines skipped", output);
            Assert.Contains("note: 1 ok drain read as Jepsen's total-queue reads them", output);
            (exit, output, err) = Run("check", file);
            Assert.True(exit == 0, output + err); // the unordered-queue model, guessed from the dequeues
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Two_runs_joined_end_to_end_exit_3_naming_the_file_and_both_lines()
    {
        var run = new[] { J(0, "invoke", "write", "1", 1), J(0, "ok", "write", "1", 2), J(1, "invoke", "read", "null", 3), J(1, "ok", "read", "1", 4) };
        var file = TempHistory([.. run, .. run]);
        try
        {
            var (exit, _, err) = Run("check", file);
            Assert.Equal(3, exit);
            Assert.Contains($"{file}:5: a damaged history", err);
            Assert.Contains("(line 2)", err);
            Assert.DoesNotContain("   at ", err);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("010")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("undefined")]
    public void Json_that_is_not_json_exits_3_naming_the_line(string value)
    {
        var file = TempHistory(J(0, "invoke", "write", "8"), J(0, "ok", "write", value));
        try
        {
            var (exit, _, err) = Run("check", file);
            Assert.Equal(3, exit);
            Assert.Contains($"{file}:2:", err);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_write_completing_with_another_value_is_judged_as_knossos_judges_it_and_the_output_says_so()
    {
        var file = TempHistory(J(0, "invoke", "write", "1"), J(0, "ok", "write", "2"), J(1, "invoke", "read", "null"), J(1, "ok", "read", "2"));
        try
        {
            var (exit, output, err) = Run("check", file, "--model", "register");
            Assert.True(exit == 0, output + err);
            Assert.Contains("note: 1 ok op completes with another value than it was invoked with; as Knossos does, the completion's value is taken", output);
            (exit, output, _) = Run("check", file, "--model", "register", "--json");
            Assert.Equal(0, exit);
            Assert.Contains("as Knossos does", output);
        }
        finally { File.Delete(file); }
    }
}
