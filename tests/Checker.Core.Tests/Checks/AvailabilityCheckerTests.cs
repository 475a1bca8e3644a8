using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Tests.Checks;

public class AvailabilityCheckerTests
{
    const long S = 1_000_000_000; // one second in history time
    static readonly string[] Nodes = ["n1", "n2", "n3"];

    /// <summary>A history of writes and reads by three processes, and nemesis ops with the values a run writes.</summary>
    sealed class History
    {
        readonly List<Op> ops = [];

        public History Write(int process, double at, double took, OpType outcome = OpType.Ok)
        {
            ops.Add(new Op(0, (long)(at * S), process, OpType.Invoke, "write", 1L, Key: 0L) { Node = $"n{process % 3 + 1}" });
            ops.Add(new Op(0, (long)((at + took) * S), process, outcome, "write", 1L, Key: 0L, Error: outcome == OpType.Ok ? null : "timeout"));
            return this;
        }

        public History Read(int process, double at) =>
            Add(new Op(0, (long)(at * S), process, OpType.Invoke, "read", null, Key: 0L))
                .Add(new Op(0, (long)((at + 0.01) * S), process, OpType.Ok, "read", 1L, Key: 0L));

        public History Nemesis(string f, double at, object? value) =>
            Add(new Op(0, (long)(at * S), Op.NemesisProcess, OpType.Invoke, f, null))
                .Add(new Op(0, (long)(at * S), Op.NemesisProcess, OpType.Info, f, value));

        History Add(Op op)
        {
            ops.Add(op);
            return this;
        }

        public List<Op> Ops() => ops.OrderBy(o => o.Time).Select((o, i) => o with { Index = i }).ToList();
    }

    static CheckResult Check(History h) =>
        new AvailabilityChecker(new AvailabilityOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), Nodes, op => op.F == "write")).Check(h.Ops());

    /// <summary>Writes every 0.5 s, each taking 10 ms, from `from` to `to` (process 0 on n1).</summary>
    static History Writes(History h, double from, double to, int process = 0)
    {
        for (var t = from; t < to; t += 0.5) h.Write(process, t, 0.01);
        return h;
    }

    /// <summary>The leader n1's link to n2 stalled, as the nemesis writes it: n2 refuses n1.</summary>
    static Dictionary<object, object?> Stall() => new()
    {
        ["leader"] = "n1", ["follower"] = "n2", ["after-bytes"] = 1048576L, ["both-ways"] = false,
        ["partition"] = new Dictionary<object, object?> { ["n2"] = new List<object?> { "n1" } },
    };

    [Fact]
    public void Writes_acknowledged_throughout_a_fault_that_leaves_a_majority_connected_are_valid()
    {
        var h = Writes(new History(), 0, 10).Nemesis("start-stall", 10, Stall());
        Writes(h, 10, 30).Nemesis("stop-stall", 30, null);
        var r = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        var window = Assert.Single(((AvailabilityReport)r.Details!).Judged);
        Assert.Equal([["n1", "n3"], ["n2", "n3"]], window.Connected); // n2 and n1 no longer hear each other
        Assert.Equal(15, window.From, 3); // the fault's start plus the grace
    }

    [Fact]
    public void No_write_acknowledged_past_the_stall_limit_under_such_a_fault_is_invalid_naming_the_window_nodes_and_writes()
    {
        var h = Writes(new History(), 0, 10).Nemesis("start-stall", 10, Stall());
        Writes(h, 10, 16);
        // From 16 s on every write times out after 3 s, while reads keep working.
        for (var t = 16.0; t < 30; t += 3.5) h.Write(0, t, 3, OpType.Info).Write(2, t + 0.2, 3, OpType.Info).Read(1, t + 0.5);
        h.Nemesis("stop-stall", 30, null);
        Writes(h, 30.5, 35);
        var r = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("no write was acknowledged from 15.5", r.Summary);
        Assert.Contains("to 30.0s", r.Summary);
        Assert.Contains("left n1, n3 or n2, n3 running and connected", r.Summary);
        // n3 is in every connected group, so the writes through it (process 2) lead the list, then the rest.
        Assert.Matches(@"writes tried meanwhile: op \d+ write 1 on key 0 via n3 at 16\.2s, info at 19\.2s \(timeout\)", r.Summary);
        Assert.Contains("write 1 on key 0 via n1 at 16.0s, info at 19.0s (timeout)", r.Summary);
        var stall = Assert.Single(((AvailabilityReport)r.Details!).Stalls);
        Assert.Equal(15.51, stall.From, 2); // the last acknowledged write before the stall
    }

    [Fact]
    public void The_grace_after_a_fault_starts_is_not_judged_so_a_failover_may_pause_writes()
    {
        var h = Writes(new History(), 0, 10).Nemesis("start-kill", 10, new List<object?> { "n1" });
        for (var t = 10.0; t < 14.5; t += 3.5) h.Write(1, t, 3, OpType.Info); // an election: no write for 4.5 s
        Writes(h, 14.5, 30, process: 1).Nemesis("stop-kill", 30, null);
        Assert.Equal(Verdict.Valid, Check(h).Verdict);
    }

    [Fact]
    public void A_fault_that_leaves_no_connected_majority_or_says_nothing_of_its_nodes_is_not_judged()
    {
        var halves = new Dictionary<object, object?>
        {
            ["n1"] = new List<object?> { "n2", "n3" }, ["n2"] = new List<object?> { "n1" }, ["n3"] = new List<object?> { "n1", "n2" },
        };
        var h = Writes(new History(), 0, 10).Nemesis("start-partition", 10, halves);
        for (var t = 10.0; t < 30; t += 3.5) h.Write(0, t, 3, OpType.Info); // no write anywhere: no majority is connected
        h.Nemesis("stop-partition", 30, null).Nemesis("start-slow", 35, new Dictionary<object, object?> { ["delay-ms"] = 50L });
        for (var t = 35.0; t < 55; t += 3.5) h.Write(0, t, 3, OpType.Info);
        h.Nemesis("stop-slow", 55, null).Nemesis("start-fault", 60, null);
        for (var t = 60.0; t < 80; t += 3.5) h.Write(0, t, 3, OpType.Info);
        h.Nemesis("stop-fault", 80, null);
        var r = Check(h);
        Assert.Equal(Verdict.NotJudged, r.Verdict);
        Assert.Equal(3, ((AvailabilityReport)r.Details!).NotJudged.Count);
    }

    [Fact]
    public void A_partition_that_isolates_one_node_leaves_the_other_two_connected()
    {
        var isolate = new Dictionary<object, object?>
        {
            ["n1"] = new List<object?> { "n3" }, ["n2"] = new List<object?> { "n3" }, ["n3"] = new List<object?> { "n1", "n2" },
        };
        var w = new FaultWindow("partition", 0, 10 * S, "") { Value = isolate };
        Assert.Equal([["n1", "n2"]], AvailabilityChecker.Connected(w, Nodes));
        var unknownNode = new FaultWindow("kill", 0, 10 * S, "") { Value = new List<object?> { "db7" } };
        Assert.Null(AvailabilityChecker.Connected(unknownNode, Nodes));
        var crashedTwo = new FaultWindow("kill", 0, 10 * S, "") { Value = new List<object?> { "n1", "n2" } };
        Assert.Null(AvailabilityChecker.Connected(crashedTwo, Nodes));
    }

    [Fact]
    public void A_short_fault_is_not_judged()
    {
        var h = Writes(new History(), 0, 10).Nemesis("start-kill", 10, new List<object?> { "n2" });
        for (var t = 10.0; t < 15; t += 3.5) h.Write(0, t, 3, OpType.Info);
        h.Nemesis("stop-kill", 15, null);
        Writes(h, 15.5, 20);
        Assert.Equal(Verdict.NotJudged, Check(h).Verdict);
    }
}
