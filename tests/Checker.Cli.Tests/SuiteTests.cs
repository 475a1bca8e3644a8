using System.Xml.Linq;
using Checker.Cli.Suites;
using Checker.Core.Checks;
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

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
