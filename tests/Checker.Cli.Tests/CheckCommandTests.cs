using static Checker.Tests.JsonLinesText;
using Checker.Tests;
using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests;

/// <summary>`checker check` as users run it: a real process, its output and its exit code.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public class CheckCommandTests
{
    static readonly string Corpus = global::Checker.Tests.RepositoryPaths.Corpus;

    internal static (int Exit, string Out, string Err) Checker(params string[] args) => CheckerWith([], args);

    /// <summary>Runs checker with these environment variables set as well.</summary>
    static (int Exit, string Out, string Err) CheckerWith(Dictionary<string, string> environment, params string[] args) =>
        ChildProcess.Checker(args, environment);

    [Fact]
    public void Invalid_jepsen_log_exits_1_and_explains()
    {
        var (exit, output, _) = Checker("check", Path.Combine(Corpus, "jepsen", "etcd_000.log"));
        Assert.Equal(1, exit);
        Assert.Contains("verdict: INVALID", output);
        Assert.Contains("cannot linearize: process", output);
        Assert.Contains("minimal counterexample", output);
    }

    [Fact]
    public void Valid_history_exits_0()
    {
        var (exit, output, _) = Checker("check", Path.Combine(Corpus, "jepsen", "etcd_002.log"));
        Assert.Equal(0, exit);
        Assert.Contains("verdict: VALID", output);
    }

    [Fact]
    public void Json_output_carries_the_verdict_and_the_counterexample()
    {
        var (exit, output, _) = Checker("check", Path.Combine(Corpus, "kv", "c10-bad.txt"), "--json", "--no-split");
        Assert.Equal(1, exit);
        var json = JObject.Parse(output);
        Assert.Equal("invalid", (string?)json["verdict"]);
        var details = json["checks"]!["linearizable"]!["details"]!;
        Assert.Equal("kv", (string?)details["model"]);
        Assert.NotEmpty(details["failure"]!["minimal"]!);
    }

    [Fact]
    public void Report_option_writes_pages_and_plots_for_a_jepsen_log()
    {
        var dir = Directory.CreateTempSubdirectory("checker-cli-report-").FullName;
        try
        {
            var (exit, _, err) = Checker("check", Path.Combine(Corpus, "jepsen", "etcd_000.log"), "--report", dir);
            Assert.Equal(1, exit);
            Assert.Contains("report: ", err);
            foreach (var file in new[] { "index.html", "timeline.html", "counterexample.html", "latency-raw.png", "anomaly.png" })
                Assert.True(new FileInfo(Path.Combine(dir, file)) is { Exists: true, Length: > 0 }, $"{file} missing or empty");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_tiny_time_limit_gives_unknown_not_a_guess()
    {
        // The whole c50 history as one object is far too big for a millisecond.
        var (exit, output, _) = Checker("check", Path.Combine(Corpus, "kv", "c50-ok.txt"), "--no-split", "--timeout", "0.001");
        Assert.Equal(2, exit);
        Assert.Contains("verdict: UNKNOWN", output);
        Assert.Contains("time limit", output);
    }

    [Fact]
    public void Bad_input_names_file_and_line_and_exits_3()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n{\"index\":1,\"time\":2,\"process\":0,\"ty");
            var (exit, _, err) = Checker("check", file);
            Assert.Equal(3, exit);
            Assert.Contains($"{file}:2:", err);
            Assert.DoesNotContain("   at ", err); // no stack trace
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Timed_history_that_never_recovers_after_a_heal_is_invalid()
    {
        // Writes succeed, a partition comes and goes at 1 s and 2 s, and after the heal every op times out for 40 s.
        const long S = 1_000_000_000;
        var lines = new List<string>();
        long index = 0;
        void Op(long time, string process, string type, string f, string value) =>
            lines.Add($"{{\"index\":{index++},\"time\":{time},\"process\":{process},\"type\":\"{type}\",\"f\":\"{f}\",\"value\":{value}}}");
        var process = 0;
        for (var t = 0L; t < 42 * S; t += S / 4)
        {
            if (t == 1 * S) Op(t, "\"nemesis\"", "info", "start-partition", "\"n1|n2 n3\"");
            if (t == 2 * S) Op(t, "\"nemesis\"", "info", "stop-partition", "null");
            var healthy = t < 1 * S || t > 41 * S;
            Op(t, process.ToString(), "invoke", "write", "1");
            Op(t + S / 8, process.ToString(), healthy ? "ok" : "info", "write", "1");
            if (!healthy) process++; // an indeterminate op retires its process
        }
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, lines);
            var (exit, output, _) = Checker("check", file, "--recovery-budget", "20");
            Assert.Equal(1, exit);
            Assert.Contains("linearizable: ", output);
            Assert.Contains("recovery invalid: not recovered", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Jepsen_standard_ending_and_a_header_node_nobody_addressed_are_not_recovery_failures()
    {
        // n1 and n2 serve; a partition from 3 s to 8 s; the heal, then nothing for 10 s, then final reads. n3 is in the header only.
        var lines = new List<string> { """{"header":{"nodes":["n1","n2","n3"]}}""" };
        void Op(int p, string type, double at, string? node = null) =>
            lines.Add($"{{\"process\":{p},\"type\":\"{type}\",\"f\":\"write\",\"value\":1,\"time\":{(long)(at * 1e9)}" +
                      $"{(node is null ? "" : $",\"node\":\"{node}\"")}}}");
        void Nemesis(string f, double at) => lines.Add($"{{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"{f}\",\"value\":null,\"time\":{(long)(at * 1e9)}}}");
        for (var t = 0.1; t < 3; t += 0.5) { Op(0, "invoke", t, "n1"); Op(0, "ok", t + 0.1); Op(1, "invoke", t, "n2"); Op(1, "ok", t + 0.1); }
        Nemesis("start-partition", 3);
        Nemesis("stop-partition", 8);
        Op(0, "invoke", 18.2, "n1"); Op(0, "ok", 18.3); Op(1, "invoke", 18.2, "n2"); Op(1, "ok", 18.3);
        var file = TempHistory([.. lines]);
        try
        {
            var (exit, output, err) = Checker("check", file);
            Assert.True(exit == 0, output + err);
            Assert.Contains("recovery valid: recovered after 1 of 1 heals", output);
            Assert.Contains("n3: no client addressed it, so it is not judged", output);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check", "x.jsonl", "--timeout", "soon")]
    [InlineData("check", "x.jsonl", "--frobnicate", "1")]
    [InlineData("nonsense")]
    public void Usage_mistakes_exit_4(params string[] args)
    {
        var (exit, _, err) = Checker(args);
        Assert.Equal(4, exit);
        Assert.StartsWith("checker: ", err);
    }

    [Theory]
    [InlineData("--model", "regsiter")]
    [InlineData("--format", "yaml")]
    [InlineData("--memory", "lots")]
    [InlineData("--initial", "{\"x\" 0")]
    public void An_unknown_model_or_format_or_a_bad_option_value_is_usage(string option, string value)
    {
        var file = TempHistory(J(0, "invoke", "read", "null"), J(0, "ok", "read", "null"));
        try
        {
            var (exit, _, err) = Checker("check", file, option, value);
            Assert.Equal(4, exit);
            Assert.Contains(option, err);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("set", "5")]
    [InlineData("set", "\"abc\"")]
    [InlineData("fifo-queue", "{\"a\":1}")]
    [InlineData("unordered-queue", "7")]
    public void An_initial_value_a_collection_model_cannot_start_from_is_usage_not_an_empty_start(string model, string initial)
    {
        var file = TempHistory(J(0, "invoke", model == "set" ? "add" : "enqueue", "1"), J(0, "ok", model == "set" ? "add" : "enqueue", "1"));
        try
        {
            var (exit, _, err) = Checker("check", file, "--model", model, "--initial", initial);
            Assert.Equal(4, exit);
            Assert.Contains("--initial", err);
            Assert.Contains("list of its elements", err);
            (exit, _, _) = Checker("check", file, "--model", model, "--initial", "[2]");
            Assert.Equal(0, exit);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("set", "add", "1", "[1]")]
    [InlineData("queue", "enqueue", "1", null)]
    [InlineData("bank", "transfer", "{\"from\":0,\"to\":1,\"amount\":1}", "{\"0\":5,\"1\":5}")]
    [InlineData("mutex", "acquire", "null", null)]
    [InlineData(null, "write", "1", "1")]
    public void Every_checker_past_the_memory_bound_is_unknown_memory_and_within_it_judges(string? workload, string f, string value, string? read)
    {
        // The runtime alone holds more than 8 MB: the bound is passed whatever the history.
        var lines = new List<string> { J(0, "invoke", f, value), J(0, "ok", f, value) };
        if (read is not null) lines.AddRange([J(1, "invoke", "read", "null"), J(1, "ok", "read", read)]);
        if (workload == "queue") lines.AddRange([J(1, "invoke", "dequeue", "null"), J(1, "ok", "dequeue", "1")]);
        var file = TempHistory([.. lines]);
        try
        {
            string[] how = workload is null ? [] : workload == "bank" ? ["--workload", "bank", "--bank-total", "10"] : ["--workload", workload];
            var (exit, output, err) = Checker(["check", file, .. how, "--memory", "8"]);
            Assert.True(exit == 2, output + err);
            Assert.Contains("verdict: UNKNOWN", output);
            Assert.Contains("memory limit reached (the process's resident memory passed 8 MB)", output);
            (exit, output, err) = Checker(["check", file, .. how, "--memory", "2000"]);
            Assert.True(exit == 0, output + err);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Without_memory_the_process_is_bounded_by_a_share_of_what_it_may_use_and_answers_unknown_not_a_crash()
    {
        // 38 concurrent indeterminate enqueues and 19 dequeues: a fifo queue's every order of them. Given a 256 MB
        // heap, the default bound (half of it) stops the search; unbounded, it ran out of memory (exit 70).
        var lines = new List<string>();
        for (var p = 0; p < 38; p++) lines.Add(J(p, "invoke", "enqueue", $"{p}"));
        for (var p = 38; p < 57; p++) lines.Add(J(p, "invoke", "dequeue", "null"));
        for (var p = 0; p < 38; p++) lines.Add(J(p, "info", "enqueue", $"{p}"));
        for (var p = 38; p < 57; p++) lines.Add(J(p, "ok", "dequeue", $"{(p - 38) * 2}"));
        var file = TempHistory([.. lines]);
        try
        {
            var (exit, output, err) = CheckerWith(new() { ["DOTNET_GCHeapHardLimit"] = "0x10000000" }, "check", file, "--model", "fifo-queue");
            Assert.True(exit == 2, output + err);
            Assert.Contains("memory limit reached", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_folder_is_not_no_such_file()
    {
        var dir = Directory.CreateTempSubdirectory("checker-cli-dir-").FullName;
        try
        {
            var (exit, _, err) = Checker("check", dir);
            Assert.Equal(3, exit);
            Assert.Contains("is a folder", err);
            (exit, _, err) = Checker("check", Path.Combine(dir, "absent.jsonl"));
            Assert.Equal(3, exit);
            Assert.Contains("no such file", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_report_folder_that_cannot_be_written_is_the_environment()
    {
        var file = TempHistory(J(0, "invoke", "read", "null"), J(0, "ok", "read", "null"));
        try
        {
            var (exit, _, err) = Checker("check", file, "--report", Path.Combine(file, "sub")); // a folder under a file
            Assert.Equal(5, exit);
            Assert.Contains("cannot be written", err);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Nothing_checked_is_bad_input_not_valid()
    {
        var (exit, output, err) = Checker("check", "/dev/null");
        Assert.Equal(3, exit);
        Assert.DoesNotContain("VALID", output);
        var file = TempHistory(J(0, "invoke", "read", "null"), J(0, "ok", "read", "null"));
        try
        {
            (exit, _, err) = Checker("check", file, "--format", "log");
            Assert.Equal(3, exit);
            Assert.Contains("Jepsen log", err);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_recovery_check_without_enough_history_is_not_judged_and_leaves_the_exit_code_alone()
    {
        var file = TempHistory(J(0, "invoke", "write", "1", 0.1), J(0, "ok", "write", "1", 0.2),
            J(-1, "info", "start-kill", "null", 0.5), J(-1, "info", "stop-kill", "null", 1.0),
            J(0, "invoke", "read", "null", 1.1), J(0, "fail", "read", "null", 1.2));
        try
        {
            var (exit, output, _) = Checker("check", file, "--model", "register");
            Assert.Equal(0, exit);
            Assert.Contains("verdict: VALID", output);
            Assert.Contains("recovery not judged", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void The_verdict_says_when_knossos_reading_of_nil_reads_would_change_it()
    {
        var file = TempHistory(J(0, "invoke", "write", "1"), J(0, "ok", "write", "1"), J(1, "invoke", "read", "null"), J(1, "ok", "read", "null"));
        try
        {
            var (exit, output, _) = Checker("check", file, "--model", "cas-register", "--initial", "0");
            Assert.Equal(1, exit);
            Assert.Contains("--nil-reads-unknown", output);
            Assert.Contains("would be VALID", output);
            (exit, output, _) = Checker("check", file, "--model", "cas-register", "--initial", "0", "--nil-reads-unknown");
            Assert.Equal(0, exit);
            Assert.Contains("would be INVALID", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_counterexample_without_nil_reads_decides_the_other_reading_with_no_second_search()
    {
        // The read of nil (concurrent with a write of 3, so the readings could differ on it) is fine either way;
        // the read of 2 (never written) is what fails, under both readings. It spans the whole history, so
        // the counterexample starts from the initial state (no cut before it).
        var file = TempHistory(J(1, "invoke", "read", "null"), J(2, "invoke", "write", "3"), J(0, "invoke", "read", "null"),
            J(0, "ok", "read", "null"), J(2, "ok", "write", "3"), J(0, "invoke", "write", "1"), J(0, "ok", "write", "1"),
            J(1, "ok", "read", "2"));
        try
        {
            var (ops, strict) = CheckInProcess(file, nilReadIsUnknown: false);
            Assert.Equal(global::Checker.Core.Checks.Verdict.Invalid, strict.Verdict);
            var searchedAgain = false;
            var note = global::Checker.Check.CheckCommand.NilReadNote(strict, ops, "register", startsNil: true, 1, nilUnknown: false, _ =>
            {
                searchedAgain = true;
                return CheckInProcess(file, nilReadIsUnknown: true).Result;
            });
            Assert.Null(note);
            Assert.False(searchedAgain);
            // And the other reading agrees: INVALID too, so no note was the right answer.
            Assert.Equal(1, Checker("check", file, "--model", "register", "--nil-reads-unknown").Exit);
            var (exit, output, _) = Checker("check", file, "--model", "register");
            Assert.Equal(1, exit);
            Assert.DoesNotContain("ok reads of nil", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void When_the_other_reading_is_not_decided_in_its_share_of_time_the_note_says_so()
    {
        var file = TempHistory(J(0, "invoke", "write", "1"), J(0, "ok", "write", "1"), J(1, "invoke", "read", "null"), J(1, "ok", "read", "null"));
        try
        {
            var (ops, strict) = CheckInProcess(file, nilReadIsUnknown: false);
            TimeSpan? given = null;
            var unknown = new global::Checker.Core.Checks.CheckResult("linearizable", global::Checker.Core.Checks.Verdict.Unknown, "unknown", null);
            var note = global::Checker.Check.CheckCommand.NilReadNote(strict, ops, "register", startsNil: true, 1, nilUnknown: false, limit =>
            {
                given = limit;
                return unknown;
            });
            Assert.NotNull(given); // bounded, never the whole search again
            Assert.Contains("not decided within", note);
            Assert.Contains("--nil-reads-unknown", note);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Nil_reads_before_any_write_was_called_need_no_second_search_even_in_an_unshrunk_counterexample()
    {
        // The register starts nil and nothing could change it before the read of nil returned: both readings
        // take that read alike. The read of 2 fails under both.
        var file = TempHistory(J(0, "invoke", "read", "null"), J(0, "ok", "read", "null"),
            J(0, "invoke", "write", "1"), J(0, "ok", "write", "1"), J(1, "invoke", "read", "null"), J(1, "ok", "read", "2"));
        try
        {
            var (ops, strict) = CheckInProcess(file, nilReadIsUnknown: false, shrink: TimeSpan.Zero);
            var failure = ((global::Checker.Core.Linearizability.LinearizabilityReport)strict.Details!).Failure!;
            Assert.Contains(failure.Minimal, o => o.F == "read" && o.Output is null); // the prefix holds the nil read
            var searchedAgain = false;
            Assert.Null(global::Checker.Check.CheckCommand.NilReadNote(strict, ops, "register", startsNil: true, 1, nilUnknown: false, _ =>
            {
                searchedAgain = true;
                return CheckInProcess(file, nilReadIsUnknown: true).Result;
            }));
            Assert.False(searchedAgain);
            // With the register starting at 0 the same read of nil is one the readings take differently.
            Assert.NotNull(global::Checker.Check.CheckCommand.NilReadNote(strict, ops, "register", startsNil: false, 1, nilUnknown: false, _ =>
                CheckInProcess(file, nilReadIsUnknown: true).Result with { Verdict = global::Checker.Core.Checks.Verdict.Unknown }));
            Assert.Equal(1, Checker("check", file, "--model", "register", "--nil-reads-unknown").Exit);
            var (exit, output, _) = Checker("check", file, "--model", "register", "--shrink", "0");
            Assert.Equal(1, exit);
            Assert.DoesNotContain("ok reads of nil", output);
        }
        finally { File.Delete(file); }
    }

    static (List<global::Checker.Core.History.Operation> Ops, global::Checker.Core.Checks.CheckResult Result) CheckInProcess(
        string file, bool nilReadIsUnknown, TimeSpan? shrink = null)
    {
        var history = global::Checker.Core.Formats.HistoryFile.Open(file, global::Checker.Core.Formats.HistoryFormat.Auto).Ops;
        var ops = global::Checker.Core.History.Pairing.Pair(history, file, global::Checker.Core.History.TupleKeys.Auto).ToList();
        var model = global::Checker.Core.Models.ModelCatalog.Create("register", null, nilReadIsUnknown);
        var options = new global::Checker.Core.Linearizability.LinearizabilityOptions { ShrinkTime = shrink ?? TimeSpan.FromSeconds(5) };
        return (ops, new global::Checker.Core.Linearizability.LinearizabilityChecker(model, options).Check(ops));
    }

    [Fact]
    public void Multi_register_initial_is_a_json_or_edn_map_and_nothing_else()
    {
        var file = TempHistory(J(0, "invoke", "txn", "[[\"r\",\"x\",null],[\"r\",\"y\",null]]"), J(0, "ok", "txn", "[[\"r\",\"x\",0],[\"r\",\"y\",7]]"));
        try
        {
            Assert.Equal(0, Checker("check", file, "--initial", "{\"x\":0,\"y\":7}").Exit);
            Assert.Equal(0, Checker("check", file, "--initial", "{\"x\" 0 \"y\" 7}").Exit);
            Assert.Equal(1, Checker("check", file, "--initial", "{\"x\":0,\"y\":0}").Exit);
            var (exit, _, err) = Checker("check", file, "--initial", "0");
            Assert.Equal(4, exit);
            Assert.Contains("map", err);
        }
        finally { File.Delete(file); }
    }
}
