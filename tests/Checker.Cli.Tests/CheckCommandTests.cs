using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests;

/// <summary>`checker check` as users run it: a real process, its output and its exit code.</summary>
public class CheckCommandTests
{
    static readonly string Corpus = global::Checker.Tests.RepositoryPaths.Corpus;

    static (int Exit, string Out, string Err) Checker(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "checker.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

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

    [Theory]
    [InlineData("check")]
    [InlineData("check", "a", "b")]
    [InlineData("check", "x.jsonl", "--timeout", "soon")]
    [InlineData("check", "x.jsonl", "--frobnicate", "1")]
    [InlineData("nonsense")]
    public void Usage_mistakes_exit_4(params string[] args)
    {
        var (exit, _, err) = Checker(args);
        Assert.Equal(4, exit);
        Assert.StartsWith("checker: ", err);
    }
}
