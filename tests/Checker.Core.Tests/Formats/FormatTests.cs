using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Core.Tests.Formats;

public class FormatTests
{
    static List<Op> Read(string text, HistoryFormat format = HistoryFormat.Auto) =>
        HistoryFile.Read(new StringReader(text), "test", format).ToList();

    [Fact]
    public void Json_lines_round_trip_keeps_every_field()
    {
        var ops = new List<Op>
        {
            new(0, 10, 3, OpType.Invoke, "cas", new List<object?> { 1L, 2L }, "k1"),
            new(1, 25, 3, OpType.Ok, "cas", new List<object?> { 1L, 2L }, "k1"),
            new(2, 30, Op.NemesisProcess, OpType.Info, "start-partition", new Dictionary<object, object?> { ["n1"] = new List<object?> { "n2" } }),
            new(3, 40, 4, OpType.Info, "read", null, 7L, "timed out"),
            new(4, 41, 5, OpType.Ok, "read", 2.5),
        };
        var text = new StringWriter();
        JsonLinesHistory.WriteAll(text, ops);
        var back = Read(text.ToString());
        Assert.Equal(ops.Count, back.Count);
        for (var i = 0; i < ops.Count; i++)
        {
            Assert.Equal((ops[i].Index, ops[i].Time, ops[i].Process, ops[i].Type, ops[i].F, ops[i].Error),
                (back[i].Index, back[i].Time, back[i].Process, back[i].Type, back[i].F, back[i].Error));
            Assert.True(Values.Same(ops[i].Value, back[i].Value), $"value of op {i}: {Values.Format(back[i].Value)}");
            Assert.True(Values.Same(ops[i].Key, back[i].Key), $"key of op {i}");
            Assert.Equal(i + 1, back[i].Line);
        }
    }

    [Fact]
    public void Edn_vector_and_stream_forms_read_alike()
    {
        const string ops = """
            {:type :invoke, :f :write, :value 3, :process 0, :time 1, :index 0}
            ; a comment
            {:type :ok, :f :write, :value 3, :process 0, :time 2, :index 1}
            #jepsen.history.Op{:type :invoke, :f :read, :value nil, :process :nemesis, :time 3, :index 2}
            """;
        var stream = Read(ops);
        var vector = Read("[" + ops + "]");
        var list = Read("(" + ops + ")");
        Assert.Equal(3, stream.Count);
        Assert.Equal(stream, vector, (a, b) => a with { Line = 0 } == b with { Line = 0 });
        Assert.Equal(stream, list, (a, b) => a with { Line = 0 } == b with { Line = 0 });
        Assert.Equal("write", stream[0].F);
        Assert.Equal(3L, stream[0].Value);
        Assert.True(stream[2].IsNemesis);
        Assert.Equal(4, stream[2].Line);
    }

    [Fact]
    public void Edn_reads_every_literal_kind()
    {
        var value = new EdnReader(new StringReader("""
            [nil true false -42 3.5 1/2 12N "a\"b\n" \x \newline :kw/ns sym #{1 2} (1 [2]) {:a 1, "b" [nil]} #_ ignored #inst "2024-01-01"]
            """), "test").ReadForm();
        var items = Assert.IsType<List<object?>>(value);
        Assert.Equal(16, items.Count);
        Assert.Null(items[0]);
        Assert.Equal(true, items[1]);
        Assert.Equal(false, items[2]);
        Assert.Equal(-42L, items[3]);
        Assert.Equal(3.5, items[4]);
        Assert.Equal(Ratio.Of(1, 2), items[5]); // exact, as Clojure reads it: no double
        Assert.Equal(12L, items[6]);
        Assert.Equal("a\"b\n", items[7]);
        Assert.Equal(new Character('x'), items[8]); // a character, not a string
        Assert.Equal(new Character('\n'), items[9]);
        Assert.Equal(new Keyword("kw/ns"), items[10]);
        Assert.Equal(new Symbol("sym"), items[11]);
        Assert.True(Values.Same(new HashSet<object?>(Values.Comparer) { 2L, 1L }, items[12]));
        Assert.True(Values.Same(new List<object?> { 1L, new List<object?> { 2L } }, items[13]));
        Assert.True(Values.Same(new Dictionary<object, object?> { [new Keyword("a")] = 1L, ["b"] = new List<object?> { null } }, items[14]));
        Assert.Equal("2024-01-01", items[15]);
    }

    [Fact]
    public void Jepsen_log_lines_with_tabs_or_spaces_and_any_prefix()
    {
        var ops = Read("""
            2017-01-01 INFO  jepsen.core - Running test
            INFO  jepsen.util - 3	:invoke	:cas	[1 4]
            jepsen.util - 3   :ok :cas    [1 4]
            INFO [main] jepsen.util - :nemesis	:info	:start	{"n1" #{"n2"}}
            INFO  jepsen.util - 4	:info	:write	:timed-out
            """);
        Assert.Equal(4, ops.Count);
        Assert.Equal((3, OpType.Invoke, "cas"), (ops[0].Process, ops[0].Type, ops[0].F));
        Assert.True(Values.Same(new List<object?> { 1L, 4L }, ops[1].Value));
        Assert.True(ops[2].IsNemesis);
        Assert.Equal(("timed-out", (object?)null), (ops[3].Error, ops[3].Value));
        Assert.Equal(5, ops[3].Line);
        Assert.All(ops, o => Assert.Equal(-1, o.Time));
    }

    [Theory]
    [InlineData("{\"index\":0,\"time\":1,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":1}", HistoryFormat.JsonLines)]
    [InlineData("  {:index 0 :process 0 :type :ok :f :read}", HistoryFormat.Edn)]
    [InlineData("[{:process 0}]", HistoryFormat.Edn)]
    [InlineData("INFO  jepsen.util - 0\t:invoke\t:read\tnil", HistoryFormat.JepsenLog)]
    public void Detects_the_format(string head, HistoryFormat expected) =>
        Assert.Equal(expected, HistoryFile.Detect(head, "test"));

    [Fact]
    public void Independent_tuples_become_key_and_value()
    {
        var history = Read("""
            {:process 0, :type :invoke, :f :read, :value [5 nil]}
            {:process 0, :type :ok, :f :read, :value [5 3]}
            {:process 1, :type :invoke, :f :cas, :value [6 [1 2]]}
            {:process 1, :type :info, :f :cas, :value [6 [1 2]]}
            """);
        var ops = Pairing.Pair(history);
        Assert.Equal((5L, (object?)null, (object?)3L), (ops[0].Key, ops[0].Input, ops[0].Output));
        Assert.Equal(6L, ops[1].Key);
        Assert.True(Values.Same(new List<object?> { 1L, 2L }, ops[1].Input));
        Assert.True(ops[1].Crashed);
    }

    [Fact]
    public void Real_corpus_files_read_in_every_format()
    {
        var log = HistoryFile.Load(Path.Combine(Corpus.Root, "jepsen", "etcd_000.log"));
        var edn = HistoryFile.Load(Path.Combine(Corpus.Root, "kv", "c10-ok.txt"));
        Assert.True(log.Count > 100);
        Assert.Equal(674, edn.Count);
        Assert.All(edn, o => Assert.NotNull(o.Key));
    }
}
