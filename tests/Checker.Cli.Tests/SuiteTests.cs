using System.Xml.Linq;
using Checker.Cli.Suites;
using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Checker.Runner.Spec;

namespace Checker.Cli.Tests;

/// <summary>Suite files are checked before any test runs; the exit code and JUnit counts follow the worst result.</summary>
public sealed class SuiteTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("checker-suite-").FullName;

    string Suite(string json)
    {
        var path = Path.Combine(dir, "suite.json");
        File.WriteAllText(path, json);
        return path;
    }

    static string Spec => Checker.Tests.RepositoryPaths.DefaultSpec;

    [Fact]
    public void A_suite_file_gives_each_member_its_overrides_and_repeat_and_the_command_line_applies_to_all()
    {
        var members = SuiteFile.Load([Suite($$"""
            [ { "spec": "{{Spec}}", "overrides": { "time-limit": 7, "nemesis.faults": ["kill-random", "slow"] }, "repeat": 3 },
              { "spec": "{{Spec}}", "overrides": { "client.mode": "stale-reads" } } ]
            """), Spec], [KeyValuePair.Create("concurrency", "4")]);
        Assert.Equal(3, members.Count);
        Assert.Equal(3, members[0].Repeat);
        Assert.Equal(7, members[0].Spec.TimeLimit);
        Assert.Equal(["kill-random", "slow"], members[0].Spec.Nemesis.Faults);
        Assert.Equal("stale-reads", members[1].Spec.Client.Mode);
        Assert.All(members, m => Assert.Equal(4, m.Spec.Concurrency));
        Assert.Equal("zookeeper-register", members[2].Label);
        Assert.Contains("client.mode=stale-reads", members[1].Label);
    }

    [Theory]
    [InlineData("""[ { "spec": "SPEC" }, { "spec": "SPEC", "overrides": { "time-limt": 5 } } ]""", "test 2", "time-limt")]
    [InlineData("""[ { "spec": "SPEC", "repeat": 0 } ]""", "test 1", "repeat")]
    [InlineData("""[ { "spec": "SPEC", "times": 2 } ]""", "test 1", "times")]
    [InlineData("""[ { "spec": "no-such.json" } ]""", "test 1", "no-such.json")]
    [InlineData("""[ 1 ]""", "test 1", "object")]
    public void A_bad_member_is_refused_before_anything_runs_naming_it(string json, string where, string what)
    {
        var path = Suite(json.Replace("SPEC", Spec));
        var e = Assert.Throws<SpecException>(() => SuiteFile.Load([path], []));
        Assert.Contains($"{path}: {where}", e.Message);
        Assert.Contains(what, e.Message);
    }

    static SuiteResult Result(string label, Verdict? v, string? error = null) =>
        new(label, 1, v, null, v is null && error is null ? null : "/tmp/x", error, false, 1.5);

    [Fact]
    public void The_exit_code_is_the_worst_result()
    {
        Assert.Equal(0, SuiteRunner.ExitCode([Result("a", Verdict.Valid), Result("b", Verdict.Valid)]));
        Assert.Equal(1, SuiteRunner.ExitCode([Result("a", Verdict.Unknown), Result("b", Verdict.Invalid), Result("c", null, "no java")]));
        Assert.Equal(2, SuiteRunner.ExitCode([Result("a", Verdict.Valid), Result("b", Verdict.Unknown)]));
        Assert.Equal(2, SuiteRunner.ExitCode([Result("a", Verdict.Valid), Result("b", null, "no java")]));
        Assert.Equal(2, SuiteRunner.ExitCode([Result("a", Verdict.Valid), Result("b", null)])); // skipped after Ctrl-C
        Assert.Equal(App.Environment, SuiteRunner.ExitCode([Result("a", null, "no java"), Result("b", null, "no java")]));
    }

    [Fact]
    public void JUnit_counts_failures_errors_and_skipped_runs()
    {
        var xml = SuiteOutput.JUnit([Result("a", Verdict.Valid), Result("b", Verdict.Invalid), Result("c", Verdict.Unknown), Result("d", null, "no java"), Result("e", null)]);
        var suite = XDocument.Parse(xml.ToString()).Root!.Element("testsuite")!;
        Assert.Equal(("5", "1", "2", "1"), ((string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!, (string)suite.Attribute("errors")!, (string)suite.Attribute("skipped")!));
        Assert.Equal("no java", suite.Elements("testcase").Single(t => (string?)t.Attribute("name") == "d").Element("error")!.Value);
        var table = SuiteOutput.Table([Result("a", Verdict.Valid), Result("e", null)]);
        Assert.Contains("skipped", table);
        Assert.DoesNotContain(" 0 ", table); // missing figures are "-", never zero
    }

    [Fact]
    public void A_self_test_member_expects_invalid_so_finding_its_bug_passes_and_missing_it_fails()
    {
        var members = SuiteFile.Load([Suite($$"""
            [ { "spec": "{{Spec}}", "overrides": { "db.install": "candidate:zookeeper-2201" }, "expect": "invalid" }, { "spec": "{{Spec}}" } ]
            """)], []);
        Assert.Equal([Verdict.Invalid, Verdict.Valid], members.Select(m => m.Expect));
        var found = InvalidRun() with { Expect = Verdict.Invalid };
        var missed = found with { Verdict = Verdict.Valid };
        var valid = found with { Verdict = Verdict.Valid, Expect = Verdict.Valid };
        Assert.Equal(0, SuiteRunner.ExitCode([found, valid]));
        Assert.Equal(1, SuiteRunner.ExitCode([missed, valid]));
        Assert.Equal(2, SuiteRunner.ExitCode([found with { Verdict = Verdict.Unknown }, valid]));
        Assert.Contains("invalid (expected)", SuiteOutput.Table([found]));
        var junit = SuiteOutput.JUnit([found, missed]);
        Assert.Equal("expected invalid: the known bug was not found", junit.Descendants("failure").Single().Attribute("message")!.Value);
        Assert.Equal("1", junit.Descendants("testsuite").Single().Attribute("failures")!.Value);
        Assert.Equal("0", junit.Descendants("testsuite").Single().Attribute("errors")!.Value);

        var e = Assert.Throws<SpecException>(() => SuiteFile.Load([Suite($$"""[ { "spec": "{{Spec}}", "expect": "broken" } ]""")], []));
        Assert.Contains("field 'expect'", e.Message);
    }

    /// <summary>An invalid run whose minimal counterexample starts after op 66, from state 2.</summary>
    static SuiteResult InvalidRun()
    {
        OpView Op(int process, string f, object? input, object? output, long index) =>
            new(process, f, null, input, output, false, index, index + 1, index * 1000, index * 1000 + 500, 0);
        var failure = new KeyFailure(null, Op(1, "read", null, 1L, 70), Op(0, "write", 3L, 3L, 66), [], ["3"],
            [Op(0, "write", 3L, 3L, 68), Op(1, "read", null, 1L, 70)], true, ["2"], Op(0, "write", 2L, 2L, 66));
        var report = new LinearizabilityReport(Verdict.Invalid, "register", 40, 0, 1, 0.1, 100, null, [], failure);
        var checks = new List<CheckResult> { new("linearizable", Verdict.Invalid, "NOT linearizable: 1 key", report) };
        var figures = new Checker.Report.Compare.RunFigures("/tmp/x", "register", Verdict.Invalid, null, [], null, null,
            [], new Dictionary<string, double?>(), [], new Dictionary<string, string>(), checks);
        return new SuiteResult("register", 1, Verdict.Invalid, figures, "/tmp/x", null, false, 2);
    }

    [Fact]
    public void The_junit_failure_shows_the_counterexample_as_checker_check_does_with_its_starting_states()
    {
        var run = InvalidRun();
        var failure = SuiteOutput.JUnit([run]).Descendants("failure").Single().Value;
        Assert.Contains("  starting from 2, the states possible after op 66 (write)", failure);
        var check = global::Checker.Check.CheckCommand.Describe("h.jsonl", [], Verdict.Invalid, run.Figures!.Checks, []);
        var block = check[check.IndexOf("minimal counterexample", StringComparison.Ordinal)..];
        Assert.Contains(block, failure); // one formatter: the same lines in both
    }

    [Fact]
    public void A_partly_shrunk_counterexample_read_back_from_results_json_is_never_called_minimal_in_junit()
    {
        OpView Op(int process, string f, object? input, object? output, long index) =>
            new(process, f, null, input, output, false, index, index + 1, index * 1000, index * 1000 + 500, 0);
        var failure = new KeyFailure(null, Op(1, "read", null, 1L, 70), null, [], ["3"],
            [Op(0, "write", 3L, 3L, 68), Op(2, "write", 4L, 4L, 69), Op(1, "read", null, 1L, 70)], false, ["nil"], null)
        {
            Kind = CounterexampleKind.PartlyShrunk,
            PrefixOps = 40,
            ShrinkStopped = "out of its time (0.5 s) while weakening groups of 2 ops",
        };
        var report = new LinearizabilityReport(Verdict.Invalid, "register", 40, 0, 1, 0.1, 100, null, [], failure);
        var path = Path.Combine(dir, "results.json");
        File.WriteAllText(path, ResultsJson.Serialize(new Dictionary<string, object?>
        {
            ["verdict"] = Verdict.Invalid,
            ["checks"] = ResultsJson.Checks([new CheckResult("linearizable", Verdict.Invalid, "NOT linearizable", report)]),
        }));
        var checks = Checker.Report.Data.ResultsFile.Read(path).Checks.ToList();
        var back = ((LinearizabilityReport)checks[0].Details!).Failure!;
        Assert.Equal(CounterexampleKind.PartlyShrunk, back.Kind);
        Assert.Equal(40, back.PrefixOps);

        var figures = new Checker.Report.Compare.RunFigures("/tmp/x", "register", Verdict.Invalid, null, [], null, null,
            [], new Dictionary<string, double?>(), [], new Dictionary<string, string>(), checks);
        var run = new SuiteResult("register", 1, Verdict.Invalid, figures, "/tmp/x", null, false, 2);
        var text = SuiteOutput.JUnit([run]).Descendants("failure").Single().Value;
        Assert.DoesNotContain("minimal", text);
        Assert.Contains("partly shrunk counterexample (3 of the 40 ops in the history prefix; shrinking stopped early, " +
                        "out of its time (0.5 s) while weakening groups of 2 ops; a smaller set may exist):", text);
    }

    [Fact]
    public void The_junit_file_starts_with_its_xml_declaration_not_a_byte_order_mark()
    {
        var path = Path.Combine(dir, "junit.xml");
        SuiteOutput.WriteJUnit([InvalidRun(), Result("a", Verdict.Valid)], path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("<?xml", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        Assert.Contains("encoding=\"utf-8\"", File.ReadAllText(path));
        Assert.Equal(2, XDocument.Load(path).Descendants("testcase").Count());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
