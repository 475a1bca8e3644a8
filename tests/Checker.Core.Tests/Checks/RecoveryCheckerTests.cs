using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Tests.Checks;

public class RecoveryCheckerTests
{
    const long S = 1_000_000_000; // one second in history time

    /// <summary>Builds a history: client ops on two nodes (process 0 → n1, 1 → n2) and nemesis ops, in time order.</summary>
    sealed class History
    {
        readonly List<Op> ops = [];
        public History Ok(int process, double at) => Add(process, OpType.Invoke, at - 0.01).Add(process, OpType.Ok, at);
        public History Failed(int process, double at) => Add(process, OpType.Invoke, at - 0.01).Add(process, OpType.Fail, at);
        public History Nemesis(string f, double at) =>
            Add(Op.NemesisProcess, OpType.Invoke, at, f).Add(Op.NemesisProcess, OpType.Info, at, f);
        History Add(int p, OpType t, double at, string f = "read")
        {
            ops.Add(new Op(0, (long)(at * S), p, t, f, null));
            return this;
        }
        public List<Op> Ops() => ops.OrderBy(o => o.Time).Select((o, i) => o with { Index = i }).ToList();
    }

    static CheckResult Check(History h, double budget = 5, double stall = 3) =>
        new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(budget), TimeSpan.FromSeconds(stall), p => $"n{p % 2 + 1}", ["n1", "n2"])).Check(h.Ops());

    /// <summary>Ok ops every half second from `from`; starting at 0.01 puts the first invoke at time 0.</summary>
    static History Steady(History h, double from, double to, params int[] processes)
    {
        for (var t = from; t < to; t += 0.5)
            foreach (var p in processes) h.Ok(p, t);
        return h;
    }

    [Fact]
    public void A_cluster_serving_again_on_every_node_soon_after_each_heal_is_valid()
    {
        var h = Steady(new History(), 0.01, 2, 0, 1).Nemesis("start-partition", 2).Nemesis("stop-partition", 4);
        Steady(h, 4.6, 12, 0, 1);
        var r = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        var heal = Assert.Single(((RecoveryReport)r.Details!).Heals);
        Assert.Equal("recovered", heal.Outcome);
        Assert.Equal(0.6, heal.SecondsByNode["n1"]!.Value, 2);
    }

    [Fact]
    public void A_node_that_serves_nothing_within_the_budget_after_the_heal_is_not_recovered_with_the_window()
    {
        var h = Steady(new History(), 0.01, 2, 0, 1).Nemesis("start-kill", 2).Nemesis("stop-kill", 4);
        Steady(h, 4.5, 12, 0); // n1 back, n2 never
        for (var t = 4.5; t < 12; t += 0.5) h.Failed(1, t);
        var r = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("not recovered: n2", r.Summary);
        Assert.Contains("4.0s..9.0s", r.Summary);
        Assert.Equal("not-recovered", ((RecoveryReport)r.Details!).Heals.Single().Outcome);
    }

    [Fact]
    public void A_new_fault_before_the_budget_ends_interrupts_the_judgement()
    {
        var h = Steady(new History(), 0.01, 2, 0, 1).Nemesis("start-kill", 2).Nemesis("stop-kill", 4)
            .Nemesis("start-partition", 5).Nemesis("stop-partition", 7);
        Steady(h, 7.5, 14, 0, 1);
        var r = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal(["interrupted", "recovered"], ((RecoveryReport)r.Details!).Heals.Select(x => x.Outcome));
    }

    [Fact]
    public void Ops_tried_without_success_for_longer_than_the_stall_while_calm_are_a_stall()
    {
        var h = Steady(new History(), 0.01, 3, 0, 1);
        for (var t = 3.0; t < 8; t += 0.5) { h.Failed(0, t); h.Ok(1, t); } // n1 stuck, no fault active
        Steady(h, 8, 10, 0, 1);
        var r = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var stall = Assert.Single(((RecoveryReport)r.Details!).Stalls);
        Assert.Equal("n1", stall.Node);
        Assert.InRange(stall.From, 2.5, 2.52); // the last ok before it
        Assert.InRange(stall.To, 8.0, 8.01);
    }

    [Fact]
    public void No_progress_while_a_fault_is_active_is_no_stall()
    {
        var h = Steady(new History(), 0.01, 2, 0, 1).Nemesis("start-partition", 2);
        for (var t = 2.5; t < 9; t += 0.5) { h.Failed(0, t); h.Failed(1, t); }
        h.Nemesis("stop-partition", 9);
        Steady(h, 9.2, 12, 0, 1);
        Assert.Equal(Verdict.Valid, Check(h).Verdict);
    }

    [Fact]
    public void A_history_that_ends_right_after_the_final_heal_is_unknown()
    {
        var h = Steady(new History(), 0.01, 2, 0, 1).Nemesis("start-kill", 2).Nemesis("stop-kill", 4);
        h.Failed(0, 4.5);
        Assert.Equal(Verdict.Unknown, Check(h).Verdict);
    }

    [Fact]
    public void The_longest_cluster_wide_outage_is_reported_with_the_faults_active_during_it()
    {
        // Both nodes fail every op from 3 s to 7.5 s, across a kill and the calm after it; budget and stall are generous.
        var h = Steady(new History(), 0.01, 3, 0, 1).Nemesis("start-kill", 3).Nemesis("stop-kill", 5);
        for (var t = 3.5; t < 7.5; t += 0.5) h.Failed(0, t).Failed(1, t);
        Steady(h, 7.5, 12, 0, 1);
        var r = Check(h, budget: 10, stall: 10);
        Assert.Equal(Verdict.Valid, r.Verdict); // reported, not judged
        var outage = ((RecoveryReport)r.Details!).LongestOutage!;
        Assert.Equal(2.51, outage.From, 2);
        Assert.Equal(7.5, outage.To, 2);
        Assert.Equal(["kill"], outage.Faults);
        Assert.Contains("longest stretch with no ok operation anywhere: 5.0s (2.5s..7.5s, during kill)", r.Summary);
    }
}
