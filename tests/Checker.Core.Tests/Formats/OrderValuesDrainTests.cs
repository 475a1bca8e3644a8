using System.Text;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Formats;

/// <summary>Records kept in the order they were written, ok values as Knossos takes them, and Jepsen's queue drains.</summary>
public class OrderValuesDrainTests
{
    static LoadedHistory Open(string text, string name = "h.txt")
    {
        var dir = Directory.CreateTempSubdirectory("checker-order-").FullName;
        try
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, text, new UTF8Encoding(false));
            return HistoryFile.Open(path);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    static string Json(int p, string type, string f, string value, long? time = null, long? index = null) =>
        $"{{{(index is { } i ? $"\"index\":{i}," : "")}\"process\":{p},\"type\":\"{type}\",\"f\":\"{f}\",\"value\":{value}{(time is { } t ? $",\"time\":{t}" : "")}}}";

    static string Run(int firstProcess, bool indexed) => string.Join("\n",
        Json(firstProcess, "invoke", "write", "1", 1_000_000_000, indexed ? 0 : null),
        Json(firstProcess, "ok", "write", "1", 2_000_000_000, indexed ? 1 : null),
        Json(firstProcess + 1, "invoke", "read", "null", 3_000_000_000, indexed ? 2 : null),
        Json(firstProcess + 1, "ok", "read", "1", 4_000_000_000, indexed ? 3 : null));

    [Theory]
    [InlineData(true, 0)]   // indexes restart: 0 after 3
    [InlineData(false, 0)]  // no indexes, the same processes: process 0 invokes before its own last completion
    [InlineData(false, 2)]  // no indexes, other processes: time steps back by seconds
    public void Two_runs_joined_end_to_end_are_a_damaged_history_naming_both_lines(bool indexed, int secondRunFirstProcess)
    {
        var text = Run(0, indexed) + "\n" + Run(secondRunFirstProcess, indexed);
        var e = Assert.Throws<HistoryFormatException>(() => Open(text));
        Assert.StartsWith("h.txt:5: a damaged history", e.Message.Replace(Path.GetDirectoryName(e.SourceName) + Path.DirectorySeparatorChar, ""));
        Assert.Equal(5, e.Line);
        Assert.Matches("line [24]", e.Message);
    }

    [Fact]
    public void A_process_invoking_before_its_own_previous_completion_is_a_damaged_history()
    {
        var text = string.Join("\n",
            Json(0, "invoke", "write", "1", 100),
            Json(0, "ok", "write", "1", 300),
            Json(1, "invoke", "read", "null", 310),
            Json(0, "invoke", "write", "2", 200), // within the recorders' jitter of line 3, but before its own completion on line 2
            Json(1, "ok", "read", "1", 400),
            Json(0, "ok", "write", "2", 500));
        var e = Assert.Throws<HistoryFormatException>(() => Open(text));
        Assert.Equal(4, e.Line);
        Assert.Contains("process 0 invokes write", e.Message);
        Assert.Contains("(line 2)", e.Message);
    }

    [Fact]
    public void An_untimed_ok_indexed_below_its_invoke_is_a_damaged_history()
    {
        var text = """
            {:index 5, :process 0, :type :invoke, :f :write, :value 1}
            {:index 6, :process 1, :type :invoke, :f :read, :value nil}
            {:index 3, :process 0, :type :ok, :f :write, :value 1}
            {:index 7, :process 1, :type :ok, :f :read, :value 1}
            """;
        var e = Assert.Throws<HistoryFormatException>(() => Open(text));
        Assert.Equal(3, e.Line);
        Assert.Contains("index 3, before its invoke at index 5 (line 1)", e.Message);
        var paired = HistoryFile.Read(new StringReader(text), "h").ToList();
        Assert.Contains("before its invoke", Assert.Throws<HistoryFormatException>(() => Pairing.Pair(paired, "h")).Message);
    }

    [Fact]
    public void Records_slightly_out_of_time_order_across_processes_read_as_older_jepsen_wrote_them()
    {
        // Older Jepsen took an op's time on its worker before appending it: a millisecond out of order.
        var text = string.Join("\n",
            Json(0, "invoke", "write", "1", 100_000_000),
            Json(0, "ok", "write", "1", 102_000_000),
            Json(1, "invoke", "read", "null", 101_000_000),
            Json(1, "ok", "read", "1", 103_000_000));
        Assert.Equal(4, Open(text).Ops.Count);
    }

    static CheckResult Linearizable(List<Op> history, object? initial = null) =>
        new LinearizabilityChecker(new CasRegisterModel(initial)).Check(history);

    [Theory]
    [InlineData("write", "1", "2", "2")]
    [InlineData("cas", "[0 1]", "[0 2]", "2")]
    [InlineData("write", "[7 1]", "[7 2]", "[7 2]")] // Jepsen's independent [key value] tuples
    public void An_ok_whose_value_differs_from_its_invoke_is_judged_by_the_completion_as_knossos_does(string f, string invoked, string completed, string read)
    {
        var text = $$"""
            {:process 0, :type :invoke, :f :{{f}}, :value {{invoked}}}
            {:process 0, :type :ok, :f :{{f}}, :value {{completed}}}
            {:process 1, :type :invoke, :f :read, :value nil}
            {:process 1, :type :ok, :f :read, :value {{read}}}
            """;
        var result = Linearizable(HistoryFile.Read(new StringReader(text), "h").ToList(), 0L);
        Assert.Equal(Verdict.Valid, result.Verdict);
        var note = Assert.Single(((LinearizabilityReport)result.Details!).Notes);
        Assert.Contains("as Knossos does, the completion's value is taken", note);
        Assert.Contains("line 2", note);
    }

    [Fact]
    public void An_ok_that_restates_its_value_or_gives_none_keeps_the_invokes()
    {
        var text = """
            {:process 0, :type :invoke, :f :write, :value 1}
            {:process 0, :type :ok, :f :write}
            {:process 1, :type :invoke, :f :read, :value nil}
            {:process 1, :type :ok, :f :read, :value 1}
            """;
        var result = Linearizable(HistoryFile.Read(new StringReader(text), "h").ToList());
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Empty(((LinearizabilityReport)result.Details!).Notes);
    }

    const string Setup = """
        INFO  jepsen.util - Relative time begins now
        INFO  jepsen.util - 0	:invoke	:enqueue	1
        INFO  jepsen.util - 0	:ok	:enqueue	1
        INFO  jepsen.util - 1	:invoke	:enqueue	2
        INFO  jepsen.util - 1	:ok	:enqueue	2
        INFO  jepsen.util - 0	:invoke	:enqueue	3
        INFO  jepsen.util - 0	:ok	:enqueue	3
        INFO  jepsen.util - 1	:invoke	:dequeue	nil
        INFO  jepsen.util - 1	:ok	:dequeue	1

        """;

    static CheckResult Queue(LoadedHistory h) => new QueueChecker("h").Check(h.Ops);

    [Fact]
    public void A_jepsen_drain_reads_as_dequeues_and_the_queue_is_judged_as_total_queue_judges_it()
    {
        var log = Setup + "INFO  jepsen.util - 2\t:invoke\t:drain\tnil\nINFO  jepsen.util - 2\t:ok\t:drain\t[2 3]\n";
        var loaded = Open(log, "queue.log");
        Assert.Contains(loaded.Notes, n => n.Contains("1 ok drain read as Jepsen's total-queue reads them: 2 ok dequeues"));
        var result = Queue(loaded);
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Equal(3, ((QueueReport)result.Details!).Dequeued);
        var model = new LinearizabilityChecker(ModelCatalog.Create(ModelCatalog.Guess(Pairing.Pair(loaded.Ops)))).Check(loaded.Ops);
        Assert.Equal(Verdict.Valid, model.Verdict);
    }

    [Fact]
    public void A_drain_that_misses_an_element_acknowledged_before_it_began_has_lost_it()
    {
        var log = Setup + "INFO  jepsen.util - 2\t:invoke\t:drain\tnil\nINFO  jepsen.util - 2\t:ok\t:drain\t[3]\n";
        var result = Queue(Open(log, "queue.log"));
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Equal(2L, Assert.Single(((QueueReport)result.Details!).Lost.First).Element);
    }

    [Fact]
    public void An_element_acknowledged_while_the_drain_ran_is_not_judged_lost()
    {
        var log = Setup + string.Join("\n",
            "INFO  jepsen.util - 2\t:invoke\t:drain\tnil",
            "INFO  jepsen.util - 0\t:invoke\t:enqueue\t4",
            "INFO  jepsen.util - 0\t:ok\t:enqueue\t4",
            "INFO  jepsen.util - 2\t:ok\t:drain\t[2 3]") + "\n";
        Assert.NotEqual(Verdict.Invalid, Queue(Open(log, "queue.log")).Verdict);
    }

    [Fact]
    public void A_drain_that_never_completed_is_bad_input_naming_its_line()
    {
        var log = Setup + "INFO  jepsen.util - 2\t:invoke\t:drain\tnil\nINFO  jepsen.util - 2\t:info\t:drain\tnil\n";
        var e = Assert.Throws<HistoryFormatException>(() => Open(log, "queue.log"));
        Assert.Equal(11, e.Line);
        Assert.Contains("invoked on line 10", e.Message);
    }
}
