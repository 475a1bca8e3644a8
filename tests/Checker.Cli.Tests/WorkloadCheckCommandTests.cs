using static Checker.Tests.JsonLinesText;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests;

/// <summary>`checker check --workload`: set, queue, mutex and bank histories judged by their own checkers, as users run them.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public class WorkloadCheckCommandTests
{
    static (int Exit, string Out, string Err) Run(params string[] args) => CheckCommandTests.Checker(args);

    static string[] Call(int p, string f, string input, string type, string output) => [J(p, "invoke", f, input), J(p, type, f, output)];

    static string History(params string[][] calls) => TempHistory(calls.SelectMany(c => c).ToArray());

    [Fact]
    public void A_lost_set_element_is_invalid_and_named()
    {
        var file = History(Call(0, "add", "1", "ok", "1"), Call(0, "add", "2", "ok", "2"), Call(1, "read", "null", "ok", "[1]"));
        try
        {
            var (exit, output, _) = Run("check", file, "--workload", "set");
            Assert.Equal(1, exit);
            Assert.Contains("verdict: INVALID", output);
            Assert.Contains("lost (acknowledged, or read, before the final read began, missing from it): 2 (added op 2)", output);
            var (jsonExit, json, _) = Run("check", file, "--workload", "set", "--json");
            Assert.Equal(1, jsonExit);
            var lost = JObject.Parse(json)["checks"]!["set"]!["details"]!["lost"]!;
            Assert.Equal(1, (int)lost["count"]!);
            Assert.Equal(2, (long)lost["first"]![0]!["element"]!);
            var dir = Directory.CreateTempSubdirectory("checker-cli-set-report-").FullName;
            try
            {
                Assert.Equal(1, Run("check", file, "--workload", "set", "--report", dir).Exit);
                Assert.True(new FileInfo(Path.Combine(dir, "set.png")) is { Exists: true, Length: > 0 }, "set.png missing");
            }
            finally { Directory.Delete(dir, recursive: true); }
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_queue_never_drained_is_unknown_and_says_why()
    {
        var file = History(Call(0, "enqueue", "1", "ok", "1"), Call(0, "enqueue", "2", "ok", "2"), Call(1, "dequeue", "null", "ok", "1"));
        try
        {
            var (exit, output, _) = Run("check", file, "--workload", "queue");
            Assert.Equal(2, exit);
            Assert.Contains("verdict: UNKNOWN", output);
            Assert.Contains("not drained", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_lock_granted_twice_names_the_overlapping_holders_and_the_counterexample()
    {
        var file = History(Call(0, "acquire", "null", "ok", "null"), Call(1, "acquire", "null", "ok", "null"),
            Call(0, "release", "null", "ok", "null"), Call(1, "release", "null", "ok", "null"));
        try
        {
            var (exit, output, _) = Run("check", file, "--workload", "mutex");
            Assert.Equal(1, exit);
            Assert.Contains("overlap: process 0 held it from op 1 until its release op 4 and process 1 held it from op 3", output);
            Assert.Contains("cannot linearize: process", output);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("not granted in time; withdrew", 0)] // the lock's holder lives on: every node answers, the lock is busy
    [InlineData("connect: refused", 1)]              // nothing answers for 19 s after the heal: a stall
    public void Refused_acquires_after_a_heal_are_service_and_failures_to_reach_a_node_are_not(string error, int expectedExit)
    {
        static string Line(int p, string type, string f, double seconds, string? error = null) =>
            $"{{\"process\":{(p < 0 ? "\"nemesis\"" : p)},\"type\":\"{type}\",\"f\":\"{f}\",\"value\":null,\"time\":{(long)(seconds * 1e9)}{(error is null ? "" : $",\"error\":\"{error}\"")}}}";
        var lines = new List<string> { Line(0, "invoke", "acquire", 0.1), Line(0, "ok", "acquire", 0.2),
            Line(-1, "info", "start-kill", 0.5), Line(-1, "info", "stop-kill", 1.0) };
        for (var t = 1.1; t < 20; t += 0.5)
            lines.AddRange([Line(1, "invoke", "acquire", t), Line(1, "fail", "acquire", t + 0.2, error)]);
        var file = TempHistory(lines.ToArray());
        try
        {
            var (exit, output, _) = Run("check", file, "--workload", "mutex");
            Assert.True(expectedExit == exit, output);
            Assert.Contains("mutex valid", output);
            Assert.Contains(expectedExit == 0 ? "recovery valid: recovered after 1 of 1 heals" : "recovery invalid: not recovered", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_bank_history_needs_its_total_and_a_wrong_one_is_invalid()
    {
        var file = History(Call(0, "transfer", """{"from":0,"to":1,"amount":3}""", "ok", """{"from":0,"to":1,"amount":3}"""),
            Call(1, "read", "null", "ok", """{"0":7,"1":10}"""));
        try
        {
            var (exit, _, err) = Run("check", file, "--workload", "bank");
            Assert.Equal(3, exit);
            Assert.Contains("--bank-total", err);
            var (guessed, _, guessErr) = Run("check", file);
            Assert.Equal(3, guessed);
            Assert.Contains("--workload bank --bank-total", guessErr);
            Assert.Equal(0, Run("check", file, "--workload", "bank", "--bank-total", "17").Exit);
            var (wrong, output, _) = Run("check", file, "--workload", "bank", "--bank-total", "20");
            Assert.Equal(1, wrong);
            Assert.Contains("1 bad reads (1 wrong-total)", output);
            Assert.Contains("read op 3 (process 1): total 17", output);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("--workload", "stack")]
    [InlineData("--bank-total", "10")]
    [InlineData("--model", "set")]
    public void Workload_options_that_do_not_fit_are_usage(string option, string value)
    {
        var file = History(Call(0, "add", "1", "ok", "1"));
        try
        {
            string[] args = option == "--model" ? ["check", file, "--workload", "set", option, value] : ["check", file, option, value];
            var (exit, _, err) = Run(args);
            Assert.Equal(4, exit);
            Assert.Contains(option, err);
        }
        finally { File.Delete(file); }
    }
}
