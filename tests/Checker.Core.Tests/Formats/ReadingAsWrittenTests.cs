using System.Text;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Core.Tests.Formats;

/// <summary>Files read as their writers wrote them: Jepsen's logs whole, the format told by structure, JSON strictly, EDN's values as Clojure's.</summary>
public class ReadingAsWrittenTests
{
    static LoadedHistory Open(string text, HistoryFormat format = HistoryFormat.Auto)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
            return HistoryFile.Open(path, format);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static List<Op> Read(string text, HistoryFormat format = HistoryFormat.Auto) => HistoryFile.Read(new StringReader(text), "h", format).ToList();

    static Core.Checks.Verdict Verdict(List<Op> history, Model? model = null) =>
        new LinearizabilityChecker(model ?? new CasRegisterModel(null)).Check(history).Verdict;

    /// <summary>What jepsen.log holds before the first op: the test's map printed over many lines, setup output, the relative-time line.</summary>
    static string Preamble(int bytes, string layout)
    {
        var sb = new StringBuilder();
        sb.Append(Record(layout, "jepsen.cli", "Test options:")).Append('\n');
        sb.Append(" {:concurrency 5,\n  :db #object[jepsen.etcd$db]\n  :nodes [\"n1\" \"n2\" \"n3\"],\n  :name \"etcd\"}\n");
        for (var i = 0; sb.Length < bytes; i++)
            sb.Append(Record(layout, "jepsen.os.debian", $"n{i % 3 + 1} installing etcd, step {i}: apt-get install -y etcd-server")).Append('\n');
        sb.Append(Record(layout, "jepsen.util", "Relative time begins now")).Append('\n');
        return sb.ToString();
    }

    static string Record(string layout, string logger, string message) => layout == "log4j"
        ? $"INFO  {logger} - {message}"
        : $"2024-01-02 10:00:00,123{{GMT}}\tINFO\t[jepsen worker 0] {logger}: {message}";

    static string Ops(string layout) => string.Join("\n",
        Record(layout, "jepsen.util", "0\t:invoke\t:write\t1"),
        Record(layout, "jepsen.util", "0\t:ok\t:write\t1"),
        Record(layout, "jepsen.util", "1\t:invoke\t:read\tnil"),
        Record(layout, "jepsen.util", "1\t:ok\t:read\t1"),
        Record(layout, "jepsen.util", "2\t:invoke\t:cas\t[1 2]"),
        Record(layout, "jepsen.util", "2\t:fail\t:cas\t[1 2]\t:cas-failed"),
        Record(layout, "jepsen.core", "Run complete, writing")) + "\n";

    [Theory]
    [InlineData("log4j")]
    [InlineData("logback")]
    public void A_real_jepsen_log_reads_whole_past_a_long_preamble_and_the_relative_time_line(string layout)
    {
        var text = Preamble(20_000, layout) + Ops(layout);
        var loaded = Open(text);
        Assert.Equal(HistoryFormat.JepsenLog, loaded.Format);
        Assert.Equal(6, loaded.Ops.Count);
        Assert.Equal(("cas", OpType.Fail, "cas-failed"), (loaded.Ops[5].F, loaded.Ops[5].Type, loaded.Ops[5].Error));
        var note = Assert.Single(loaded.Notes, n => n.Contains("Jepsen log"));
        Assert.Contains("6 op lines read", note);
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(loaded.Ops));
    }

    const string Marked = "INFO  jepsen.util - 0\t:ok\t:write\t1";

    [Fact]
    public void A_json_lines_file_that_mentions_the_log_marker_in_a_string_is_read_as_json()
    {
        var text = string.Join("\n",
            $"{{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1,\"note\":\"{Marked.Replace("\t", "\\t")}\"}}",
            "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}",
            "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}",
            "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":2}");
        var loaded = Open(text);
        Assert.Equal(HistoryFormat.JsonLines, loaded.Format);
        Assert.Equal(4, loaded.Ops.Count);
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(loaded.Ops));
    }

    [Fact]
    public void An_edn_file_that_mentions_the_log_marker_in_a_string_is_read_as_edn()
    {
        var text = $$"""
            {:process 0, :type :invoke, :f :write, :value 1, :note "{{Marked}}"}
            {:process 0, :type :ok, :f :write, :value 1}
            {:process 1, :type :invoke, :f :read, :value nil}
            {:process 1, :type :ok, :f :read, :value 2}
            """;
        var loaded = Open(text);
        Assert.Equal(HistoryFormat.Edn, loaded.Format);
        Assert.Equal(4, loaded.Ops.Count);
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(loaded.Ops));
    }

    [Fact]
    public void A_file_most_of_whose_lines_would_be_skipped_is_refused_naming_how_many()
    {
        // JSON read as a log (as --format log asks): its one "op line" is quoted, and every line is no log output.
        var json = string.Join("\n", Enumerable.Range(0, 10).Select(i =>
            $"{{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null,\"note\":\"x\"}} {Marked}"));
        var e = Assert.Throws<HistoryFormatException>(() => Open(json, HistoryFormat.JepsenLog));
        Assert.Contains("10 of its 10 lines", e.Message);
        // Text before any log record, then a few op lines: most of it would be skipped.
        var mostlyOther = string.Join("\n", Enumerable.Range(0, 20).Select(i => $"some other output {i}")) + "\n" + Ops("log4j");
        e = Assert.Throws<HistoryFormatException>(() => Open(mostlyOther, HistoryFormat.JepsenLog));
        Assert.Contains("20 of its 27 lines", e.Message);
        Assert.Equal(1, e.Line);
        // A few such lines are read past, and the note says so.
        var someOther = "lein: compiling\n" + Ops("log4j");
        var loaded = Open(someOther, HistoryFormat.JepsenLog);
        Assert.Equal(6, loaded.Ops.Count);
        Assert.Contains(loaded.Notes, n => n.Contains("1 before the first log record, from line 1"));
    }

    [Theory]
    [InlineData("010")]
    [InlineData("-010")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("undefined")]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("'a'")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("/* c */ 1")]
    [InlineData("1e400")]
    [InlineData("tru")]
    public void Json_that_rfc_8259_does_not_allow_is_bad_input_naming_the_line(string value)
    {
        var text = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n" +
                   $"{{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":{value}}}";
        var e = Assert.Throws<HistoryFormatException>(() => Read(text, HistoryFormat.JsonLines));
        Assert.Equal(2, e.Line);
        Assert.StartsWith("h:2:", e.Message);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("10", 10L)]
    [InlineData("1e2", 100.0)]
    [InlineData("1.5E-1", 0.15)]
    [InlineData("-2.0", -2.0)]
    public void Json_numbers_read_as_written(string written, object expected)
    {
        var op = Assert.Single(Read($"{{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":{written}}}"));
        Assert.True(Values.Same(expected, op.Value), $"{written} read as {Values.Format(op.Value)}");
    }

    [Fact]
    public void Json_strings_with_escapes_and_text_after_the_object_are_read_strictly()
    {
        var op = Assert.Single(Read("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":\"a\\u00e9\\n\\\"\"}"));
        Assert.Equal("a\u00e9\n\"", op.Value);
        Assert.Throws<HistoryFormatException>(() => Read("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1} {}"));
        Assert.Throws<HistoryFormatException>(() => Read("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":\"\\x41\"}"));
        // Names appearing twice: which one holds is anyone's guess, so neither is taken.
        var twice = Assert.Throws<HistoryFormatException>(() =>
            Read("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1,\"value\":2}"));
        Assert.Contains("\"value\" appears twice", twice.Message);
        Assert.Throws<HistoryFormatException>(() =>
            Read("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":{\"a\":1,\"a\":2}}"));
    }

    [Fact]
    public void Json_lines_longer_than_any_buffer_and_crlf_endings_read_whole_with_their_line_numbers()
    {
        var elements = string.Join(",", Enumerable.Range(0, 100_000));
        var text = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\r\n\r\n" +
                   $"{{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":[{elements}]}}\r\n" +
                   "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}";
        var loaded = Open(text);
        Assert.Equal(3, loaded.Ops.Count);
        Assert.Equal(100_000, ((List<object?>)loaded.Ops[1].Value!).Count);
        Assert.Equal([1, 3, 4], loaded.Ops.Select(o => o.Line));
        var e = Assert.Throws<HistoryFormatException>(() => Open(text + ",}"));
        Assert.Equal(4, e.Line);
    }

    static List<Op> WriteThenRead(string written, string read) => Read($$"""
        {:process 0, :type :invoke, :f :write, :value {{written}}}
        {:process 0, :type :ok, :f :write, :value {{written}}}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value {{read}}}
        """);

    [Theory]
    [InlineData("4/2", "2", true)]
    [InlineData("-6/3", "-2", true)]
    [InlineData("1/2", "2/4", true)]
    [InlineData("1/2", "0.5", false)]
    [InlineData("1/2", "1", false)]
    [InlineData("\\a", "\\a", true)]
    [InlineData("\\a", "\"a\"", false)]
    [InlineData("\\newline", "\"\\n\"", false)]
    [InlineData("010", "8", true)]
    [InlineData("0x10", "16", true)]
    [InlineData("2r101", "5", true)]
    [InlineData("10", "8", false)]
    public void Edn_values_compare_as_clojure_compares_them(string written, string read, bool equal) =>
        Assert.Equal(equal ? Core.Checks.Verdict.Valid : Core.Checks.Verdict.Invalid, Verdict(WriteThenRead(written, read)));

    [Theory]
    [InlineData("09")]
    [InlineData("1/0")]
    [InlineData("1.5/2")]
    [InlineData("1/-2")]
    public void Edn_numbers_clojure_would_not_read_are_bad_input(string value) =>
        Assert.Throws<HistoryFormatException>(() => Read($"{{:process 0, :type :invoke, :f :write, :value {value}}}"));

    [Fact]
    public void Ratios_and_characters_print_as_edn()
    {
        Assert.Equal("[1/2 \\a \\newline 2]", Values.Format(Read("{:process 0, :type :invoke, :f :write, :value [2/4 \\a \\newline 4/2]}")[0].Value));
        Assert.Equal(Values.Hash(Ratio.Of(1, 2)), Values.Hash(Ratio.Of(2, 4)));
    }
}
