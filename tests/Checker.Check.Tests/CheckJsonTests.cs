using Checker.Tests;
using System.Numerics;
using Checker.Check;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Newtonsoft.Json;

namespace Checker.Check.Tests;

/// <summary>
/// `check --json` is written without Newtonsoft.Json's serializer (which native compilation cannot keep) and must
/// still be, character for character, what ResultsJson (a run's results.json) writes for the same results: each
/// case runs the real checks in process and holds the two texts side by side, indented and on one line.
/// </summary>
public class CheckJsonTests
{
    static readonly string Corpus = global::Checker.Tests.RepositoryPaths.Corpus;

    static string CheckCall(int p, string f, string input, string type, string output) =>
        JsonLinesText.J(p, "invoke", f, input) + "\n" + JsonLinesText.J(p, type, f, output);

    /// <summary>Runs the checks `check FILE ARGS` runs and compares both writers on their results.</summary>
    static List<CheckResult> Same(string file, params string[] args)
    {
        var options = CheckOptions.Parse(new Args([file, .. args], CheckOptions.Flags));
        var loaded = HistoryFile.Open(file, options.Format);
        var notes = loaded.Notes.ToList();
        var results = CheckCommand.RunChecks(loaded, options, notes);
        var verdict = Verdicts.Combine(results.Select(r => r.Verdict));
        var shape = new Dictionary<string, object?>
        {
            ["file"] = file,
            ["verdict"] = verdict,
            ["notes"] = notes,
            ["checks"] = ResultsJson.Checks(results),
        };
        Assert.Equal(ResultsJson.Serialize(shape), CheckJson.FileResult(file, verdict, notes, results, indented: true));
        var oneLine = new JsonSerializerSettings(ResultsJson.Settings) { Formatting = Formatting.None };
        Assert.Equal(
            JsonConvert.SerializeObject(shape, oneLine),
            CheckJson.FileResult(file, verdict, notes, results, indented: false)
        );
        return results;
    }

    static List<CheckResult> SameForHistory(string lines, params string[] args)
    {
        var file = JsonLinesText.TempHistory(lines);
        try
        {
            return Same(file, args);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("jepsen/etcd_000.log", "--model", "cas-register")] // invalid: the counterexample
    [InlineData("jepsen/etcd_002.log", "--model", "cas-register")] // valid
    [InlineData("jepsen/etcd_007.log")] // the model guessed
    [InlineData("kv/c10-bad.txt", "--no-split")] // a kv store's maps of keys to values, invalid
    [InlineData("kv/c01-ok.txt")]
    [InlineData("jepsen/etcd_000.log", "--shrink", "0")] // the unshrunk prefix
    public void Corpus_results_are_written_as_results_json_writes_them(string file, params string[] args) =>
        Assert.NotNull(Same(Path.Combine(Corpus, file), args)[0].Details);

    [Fact]
    public void An_unknown_verdict_is_written_alike() =>
        Assert.Equal(Verdict.Unknown, Same(Path.Combine(Corpus, "kv/c50-ok.txt"), "--timeout", "0.000001")[0].Verdict);

    [Fact]
    public void Workload_checkers_results_are_written_alike()
    {
        var set = SameForHistory(
            CheckCall(0, "add", "1", "ok", "1") + "\n" + CheckCall(1, "read", "null", "ok", "[1, 3]"),
            "--workload",
            "set"
        );
        var queue = SameForHistory(
            CheckCall(0, "enqueue", "1", "ok", "1") + "\n" + CheckCall(1, "dequeue", "null", "ok", "1"),
            "--workload",
            "queue"
        );
        var mutex = SameForHistory(
            CheckCall(0, "acquire", "null", "ok", "null") + "\n" + CheckCall(1, "acquire", "null", "ok", "null"),
            "--workload",
            "mutex"
        );
        var bank = SameForHistory(
            CheckCall(0, "read", "null", "ok", """{"0":5,"1":4}""")
                + "\n"
                + CheckCall(1, "transfer", """{"from":0,"to":1,"amount":1}""", "ok", """{"from":0,"to":1,"amount":1}"""),
            "--workload",
            "bank",
            "--bank-total",
            "10"
        );
        Assert.All(new[] { set, queue, mutex, bank }, results => Assert.NotNull(results[0].Details));
        Assert.Equal(["set", "queue", "mutex", "bank"], new[] { set, queue, mutex, bank }.Select(r => r[0].Checker));
    }

    [Fact]
    public void Recovery_and_availability_results_are_written_alike()
    {
        // Records in time order: n1's writes go unanswered through a partition from 3 s to 8 s and for a while
        // after it; n2's are answered throughout.
        var records = new List<(double At, string Line)>();
        void Op(int p, string type, double at, string? node = null) =>
            records.Add(
                (
                    at,
                    $"{{\"process\":{p},\"type\":\"{type}\",\"f\":\"write\",\"value\":1,\"time\":{(long)(at * 1e9)}"
                        + $"{(node is null ? "" : $",\"node\":\"{node}\"")}}}"
                )
            );
        void Nemesis(string f, double at, string value) =>
            records.Add(
                (
                    at,
                    $"{{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"{f}\",\"value\":{value},"
                        + $"\"time\":{(long)(at * 1e9)}}}"
                )
            );
        for (var t = 0.1; t < 30; t += 0.5)
        {
            Op(0, "invoke", t, "n1");
            Op(0, t is > 3 and < 20 ? "info" : "ok", t + 0.1);
            Op(1, "invoke", t, "n2");
            Op(1, "ok", t + 0.1);
        }
        Nemesis("start-partition", 3.05, "\"n1 | n2 n3\"");
        Nemesis("stop-partition", 8.05, "null");
        var lines = new List<string> { """{"header":{"start":"2026-12-07T01:00:00Z","nodes":["n1","n2","n3"]}}""" };
        lines.AddRange(records.OrderBy(r => r.At).Select(r => r.Line));
        var results = SameForHistory(string.Join("\n", lines));
        Assert.Equal(["linearizable", "recovery", "availability"], results.Select(r => r.Checker));
        Assert.All(results, r => Assert.NotNull(r.Details));
    }

    [Fact]
    public void History_values_of_every_kind_are_written_alike()
    {
        object?[] values =
        [
            null,
            true,
            42L,
            new BigInteger(ulong.MaxValue) * 3,
            1.0,
            -0.0,
            0.1,
            1e300,
            double.NaN,
            double.NegativeInfinity,
            "quote \" backslash \\ tab \t newline \n bell \u0007 nel \u0085 ls \u2028 é ✓",
            new Keyword("k"),
            Ratio.Of(1, 3),
            new List<object?> { 1L, "a", new List<object?>() },
            new Dictionary<object, object?> { ["x"] = 1L, [2L] = "two", [new Keyword("y")] = null },
            new Dictionary<string, object?>(),
            Verdict.NotJudged,
            CounterexampleKind.PartlyShrunk,
            TimeSpan.FromSeconds(1.5),
            new DateTimeOffset(2026, 12, 7, 1, 2, 3, TimeSpan.Zero),
        ];
        foreach (var value in values)
        {
            var view = new OpView(1, "write", value, value, value, false, 2, 3, 4, 5, 6);
            Assert.Equal(JsonConvert.SerializeObject(view, ResultsJson.Settings), CheckJson.Of(view, indented: true));
        }
    }

    [Theory]
    [InlineData("InvokeIndex", "invokeIndex")]
    [InlineData("URLValue", "urlValue")]
    [InlineData("ID", "id")]
    [InlineData("A", "a")]
    [InlineData("already", "already")]
    [InlineData("NotJudged", "notJudged")]
    public void Names_are_camel_cased_as_Newtonsoft_does(string name, string expected) =>
        Assert.Equal(expected, CheckJson.CamelCase(name));

    [Fact]
    public void A_value_of_a_type_outside_Checker_Core_is_refused_rather_than_written_differently() =>
        Assert.Throws<NotSupportedException>(() => CheckJson.Of(new Uri("http://127.0.0.1/"), indented: true));
}
