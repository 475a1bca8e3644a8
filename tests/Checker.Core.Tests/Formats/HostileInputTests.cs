using System.Numerics;
using System.Text;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Core.Tests.Formats;

/// <summary>Inputs that once got a wrong verdict or none: each must be judged on what it says, or rejected naming the line.</summary>
public class HostileInputTests
{
    static List<Op> Read(string text, HistoryFormat format = HistoryFormat.Auto) => HistoryFile.Read(new StringReader(text), "h", format).ToList();

    static Core.Checks.Verdict Verdict(string text, Model? model = null) =>
        new LinearizabilityChecker(model ?? new RegisterModel(null)).Check(Read(text)).Verdict;

    static string Json(int p, string type, string f, string value, long? time = null) =>
        $"{{\"process\":{p},\"type\":\"{type}\",\"f\":\"{f}\",\"value\":{value}{(time is { } t ? $",\"time\":{t}" : "")}}}";

    [Theory]
    [InlineData("-1")]
    [InlineData("-7")]
    [InlineData("1.5")]
    [InlineData("\"one\"")]
    [InlineData("99999999999")]
    public void A_process_is_a_non_negative_integer_or_the_nemesis(string process)
    {
        var text = Json(0, "invoke", "write", "1") + "\n" + Json(0, "ok", "write", "1") + "\n" +
                   $"{{\"process\":{process},\"type\":\"invoke\",\"f\":\"read\",\"value\":null}}";
        var e = Assert.Throws<HistoryFormatException>(() => Read(text, HistoryFormat.JsonLines));
        Assert.Equal(3, e.Line);
        Assert.Contains("\"process\"", e.Message);
    }

    [Theory]
    [InlineData("18446744073709551616", "18446744073709551617")]
    [InlineData("9007199254740993", "9007199254740992.0")]
    [InlineData("1", "1.0")]
    public void Integers_are_exact_and_never_equal_floats(string written, string read)
    {
        var text = string.Join("\n", Json(0, "invoke", "write", written), Json(0, "ok", "write", written),
            Json(1, "invoke", "read", "null"), Json(1, "ok", "read", read));
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(text));
        var same = string.Join("\n", Json(0, "invoke", "write", written), Json(0, "ok", "write", written),
            Json(1, "invoke", "read", "null"), Json(1, "ok", "read", written));
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(same));
    }

    [Fact]
    public void Big_integers_read_from_edn_stay_exact_and_hash_as_they_compare()
    {
        var big = Read("{:process 0 :type :invoke :f :write :value 18446744073709551617}")[0].Value;
        Assert.Equal(BigInteger.Parse("18446744073709551617"), big);
        Assert.False(Values.Same(big, 18446744073709551616.0));
        Assert.True(Values.Same(new BigInteger(5), 5L));
        Assert.Equal(Values.Hash(new BigInteger(5)), Values.Hash(5L));
        Assert.Equal(Values.Hash(BigInteger.Parse("18446744073709551617")), Values.Hash(BigInteger.Parse("18446744073709551617")));
    }

    [Fact]
    public void A_time_beyond_64_bits_is_bad_input_naming_the_line()
    {
        var e = Assert.Throws<HistoryFormatException>(() => Read(Json(0, "invoke", "read", "null") + "\n" + Json(0, "ok", "read", "null").TrimEnd('}') + ",\"time\":18446744073709551616}"));
        Assert.Equal(2, e.Line);
        Assert.Contains("\"time\"", e.Message);
        Assert.Throws<HistoryFormatException>(() => Read("{:process 0 :type :invoke :f :read :time 18446744073709551616}"));
    }

    [Fact]
    public void A_keyword_is_not_a_string()
    {
        Assert.False(Values.Same(new Keyword("a"), "a"));
        var text = """
            {:process 0 :type :invoke :f :write :value :a}
            {:process 0 :type :ok :f :write :value :a}
            {:process 1 :type :invoke :f :read :value nil}
            {:process 1 :type :ok :f :read :value "a"}
            """;
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(text));
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(text.Replace("\"a\"", ":a")));
    }

    static LoadedHistory Open(byte[] bytes, HistoryFormat format = HistoryFormat.Auto)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            return HistoryFile.Open(path, format);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_utf8_is_bad_input_rather_than_two_equal_replacement_characters()
    {
        var bytes = Encoding.UTF8.GetBytes(Json(0, "invoke", "write", "\"X\"") + "\n").Concat(new byte[] { 0xff }).ToArray();
        var text = Encoding.UTF8.GetBytes(Json(0, "invoke", "write", "\"\"") + "\n");
        var withBad = text[..^3].Concat(new byte[] { 0xc3, 0x28 }).Concat(text[^3..]).ToArray(); // "\xc3(" is no UTF-8
        var e = Assert.Throws<HistoryFormatException>(() => Open(withBad));
        Assert.Contains("UTF-8", e.Message);
        Assert.Throws<HistoryFormatException>(() => Open(bytes));
    }

    [Fact]
    public void A_completion_before_its_invoke_is_bad_input_naming_both_lines()
    {
        var text = string.Join("\n", Json(0, "invoke", "write", "1", 100), Json(0, "ok", "write", "1", 200),
            Json(1, "invoke", "read", "null", 500), Json(1, "ok", "read", "1", 300));
        var e = Assert.Throws<HistoryFormatException>(() => Pairing.Pair(Read(text), "h"));
        Assert.Equal(4, e.Line);
        Assert.Contains("time runs backwards", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void A_negative_time_is_bad_input()
    {
        var e = Assert.Throws<HistoryFormatException>(() => Read(Json(0, "invoke", "read", "null", -5)));
        Assert.Contains("must not be negative", e.Message);
        Assert.Throws<HistoryFormatException>(() => Read("{:process 0 :type :invoke :f :read :time -5}"));
    }

    [Theory]
    [InlineData("", HistoryFormat.Auto)]
    [InlineData("\n\n", HistoryFormat.Auto)]
    [InlineData("{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start-kill\",\"value\":null}", HistoryFormat.Auto)]
    [InlineData("{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":null}", HistoryFormat.JepsenLog)]
    public void A_history_with_no_client_operation_is_bad_input(string text, HistoryFormat format)
    {
        // Refused when read (a JSON file read as a Jepsen log is mostly lines no log has), or when judged.
        var e = Assert.Throws<HistoryFormatException>(() =>
            HistoryFile.RequireClientOps(Open(Encoding.UTF8.GetBytes(text), format), "h", format != HistoryFormat.Auto));
        Assert.Contains("no", e.Message);
        if (format == HistoryFormat.JepsenLog) Assert.Contains("--format", e.Message);
    }

    [Fact]
    public void Nul_padding_after_the_last_line_is_reported_and_the_lines_before_it_are_read()
    {
        var text = Encoding.UTF8.GetBytes(Json(0, "invoke", "read", "null") + "\n" + Json(0, "ok", "read", "null") + "\n");
        var loaded = Open(text.Concat(new byte[3_000_000]).ToArray());
        Assert.Equal(2, loaded.Ops.Count);
        var note = Assert.Single(loaded.Notes);
        Assert.Contains("3,000,000 NUL bytes from line 3", note);
        var e = Assert.Throws<HistoryFormatException>(() => Open(text.Concat(new byte[10]).Concat(text).ToArray()));
        Assert.Contains("NUL", e.Message);
    }

    const string NilRead = """
        {:process 0 :type :invoke :f :write :value 1}
        {:process 0 :type :ok :f :write :value 1}
        {:process 1 :type :invoke :f :read :value nil}
        {:process 1 :type :ok :f :read :value nil}
        """;

    [Fact]
    public void Knossos_reads_an_ok_read_of_nil_as_an_unknown_value_when_asked()
    {
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(NilRead, new CasRegisterModel(0L)));
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(NilRead, new CasRegisterModel(0L, nilReadIsUnknown: true)));
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(NilRead, ModelCatalog.Create("register", null, nilReadIsUnknown: true)));
        Assert.Equal(1, NilReads.Count("cas-register", Pairing.Pair(Read(NilRead))));
        Assert.Equal(0, NilReads.Count("set", Pairing.Pair(Read(NilRead))));
    }

    [Fact]
    public void The_multi_register_starts_from_a_map_of_keys_to_values_as_in_knossos()
    {
        var text = """
            {:process 0 :type :invoke :f :txn :value [[:r :x nil] [:r :y nil]]}
            {:process 0 :type :ok :f :txn :value [[:r :x 0] [:r :y 5]]}
            {:process 1 :type :invoke :f :txn :value [[:r :z nil]]}
            {:process 1 :type :ok :f :txn :value [[:r :z nil]]}
            """;
        var initial = new Dictionary<object, object?> { [new Keyword("x")] = 0L, [new Keyword("y")] = 5L };
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(text, new MultiRegisterModel(initial)));
        var wrong = new Dictionary<object, object?> { [new Keyword("x")] = 0L, [new Keyword("y")] = 0L };
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(text, new MultiRegisterModel(wrong)));
        Assert.Throws<ArgumentException>(() => new MultiRegisterModel(0L));
        // Knossos's reading: a read of nil in a transaction fits any value.
        Assert.Equal(Core.Checks.Verdict.Valid, Verdict(text.Replace("[:r :y 5]", "[:r :y nil]"), new MultiRegisterModel(initial, nilReadIsUnknown: true)));
        Assert.Equal(Core.Checks.Verdict.Invalid, Verdict(text.Replace("[:r :y 5]", "[:r :y nil]"), new MultiRegisterModel(initial)));
    }
}

/// <summary>What a run writes for `checker check` to judge it as the run did: a header and each client op's node.</summary>
public class HistoryHeaderTests
{
    [Fact]
    public void The_header_and_the_node_fields_round_trip_and_the_recovery_check_uses_them()
    {
        var header = new HistoryHeader { Start = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), Nodes = ["n1", "n2", "n3"] };
        var w = new StringWriter();
        JsonLinesHistory.WriteHeader(w, header);
        JsonLinesHistory.WriteAll(w, [new Op(0, 5, 0, OpType.Invoke, "read", null) { Node = "n2" }, new Op(1, 9, 0, OpType.Ok, "read", 3L)]);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, w.ToString());
            var loaded = HistoryFile.Open(path);
            Assert.Equal(header.Start, loaded.Header.Start);
            Assert.Equal(["n1", "n2", "n3"], loaded.Header.Nodes!);
            Assert.Equal(2, loaded.Ops.Count);
            Assert.Equal("n2", loaded.Ops[0].Node);
            Assert.Null(loaded.Ops[1].Node);
        }
        finally { File.Delete(path); }
        var late = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n{\"header\":{}}";
        Assert.Throws<HistoryFormatException>(() => HistoryFile.Read(new StringReader(late), "h").ToList());
    }
}
