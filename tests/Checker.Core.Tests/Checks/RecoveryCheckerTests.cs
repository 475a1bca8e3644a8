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

    /// <summary>Checked as a run checks its own history: its clients never idle.</summary>
    static CheckResult Check(History h, double budget = 5, double stall = 3) =>
        new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(budget), TimeSpan.FromSeconds(stall), p => $"n{p % 2 + 1}", ["n1", "n2"],
            ClientsNeverIdle: true)).Check(h.Ops());

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
    public void A_new_fault_before_the_budget_ends_carries_the_budget_over_and_a_quick_recovery_then_is_valid()
    {
        var h = Steady(new History(), 0.01, 2, 0, 1).Nemesis("start-kill", 2).Nemesis("stop-kill", 4)
            .Nemesis("start-partition", 5).Nemesis("stop-partition", 7);
        Steady(h, 7.5, 14, 0, 1);
        var r = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal(["recovered", "recovered"], ((RecoveryReport)r.Details!).Heals.Select(x => x.Outcome));
        Assert.Contains("recovered after 2 of 2 heals", r.Summary);
    }

    [Fact]
    public void A_heal_followed_by_calm_windows_with_no_ok_anywhere_is_invalid_naming_the_window_though_each_window_is_shorter_than_the_budget()
    {
        // 5 s faults every 10 s; after the heal at 15 s every node refuses every client for three calm windows (15 s of calm),
        // then serves again. Every calm window (5 s) is shorter than the budget (10 s): only counting calm time across windows sees it.
        var h = Steady(new History(), 0.01, 10, 0, 1).Nemesis("start-partition", 10).Nemesis("stop-partition", 15);
        for (var t = 15.5; t < 45; t += 0.5) h.Failed(0, t).Failed(1, t);
        for (var w = 20; w < 45; w += 10) h.Nemesis("start-kill", w).Nemesis("stop-kill", w + 5);
        Steady(h, 45.5, 60, 0, 1);
        var r = Check(h, budget: 10, stall: 5);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("not recovered: n1 served no ok operation within 10s of calm time after the partition heal at 15.0s", r.Summary);
        Assert.Contains("calm time counted: 15.0s..20.0s, 25.0s..30.0s", r.Summary);
        var heals = ((RecoveryReport)r.Details!).Heals;
        Assert.Equal("not-recovered", heals[0].Outcome);
        Assert.DoesNotContain("recovered after 4 of 4", r.Summary);
        Assert.Contains("not recovered", r.Summary);
    }

    [Fact]
    public void A_cluster_that_comes_back_within_the_budget_of_calm_time_on_the_same_schedule_stays_valid()
    {
        // The same schedule; the nodes come back 4 s of calm after the heal at 15 s, the second calm window in.
        var h = Steady(new History(), 0.01, 10, 0, 1).Nemesis("start-partition", 10).Nemesis("stop-partition", 15);
        for (var t = 15.5; t < 20; t += 0.5) h.Failed(0, t).Failed(1, t);
        for (var w = 20; w < 45; w += 10) h.Nemesis("start-kill", w).Nemesis("stop-kill", w + 5);
        for (var t = 20.5; t < 25; t += 0.5) h.Failed(0, t).Failed(1, t);
        Steady(h, 25.01, 26, 0, 1).Nemesis("unused", 26);
        for (var t = 26.5; t < 30; t += 0.5) h.Failed(0, t).Failed(1, t); // fails from 26 s to the kill at 30 s: under the 5 s stall
        Steady(h, 35.01, 40, 0, 1);
        Steady(h, 45.01, 60, 0, 1);
        var r = Check(h, budget: 10, stall: 5);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.All(((RecoveryReport)r.Details!).Heals, x => Assert.Equal("recovered", x.Outcome));
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
    public void Fails_the_workload_counts_as_answers_are_service_not_a_stall()
    {
        var h = Steady(new History(), 0.01, 3, 0, 1);
        for (var t = 3.0; t < 8; t += 0.5) { h.Failed(0, t); h.Ok(1, t); } // n1 only fails, as a drained queue's dequeues do
        var options = new RecoveryOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), p => $"n{p % 2 + 1}", ["n1", "n2"]);
        Assert.Equal(Verdict.Invalid, new RecoveryChecker(options).Check(h.Ops()).Verdict);
        Assert.Equal(Verdict.Valid, new RecoveryChecker(options with { Serves = o => o.Type is OpType.Ok or OpType.Fail }).Check(h.Ops()).Verdict);
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
    public void A_history_that_ends_right_after_the_final_heal_is_not_judged_there_and_not_unknown()
    {
        var h = Steady(new History(), 0.01, 4, 0, 1).Nemesis("start-kill", 4).Nemesis("stop-kill", 6);
        h.Failed(0, 6.5);
        var r = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict); // the calm before the fault was judged; the heal could not be
        Assert.Equal("not-judged", ((RecoveryReport)r.Details!).Heals.Single().Outcome);
        Assert.Contains("1 not judged", r.Summary);
        Assert.Contains("recovered after 0 of 1 heals", r.Summary);
        Assert.Equal(Verdict.Valid, Verdicts.Combine([Verdict.Valid, Verdict.NotJudged]));
        Assert.Equal(0, Verdicts.ExitCode(Verdicts.Combine([Verdict.Valid, Verdict.NotJudged])));
    }

    [Fact]
    public void A_history_too_short_to_judge_anything_is_not_judged()
    {
        var h = new History().Ok(0, 0.5).Nemesis("start-kill", 1).Nemesis("stop-kill", 2);
        h.Failed(0, 2.5);
        Assert.Equal(Verdict.NotJudged, Check(h).Verdict);
    }

    [Fact]
    public void Nodes_named_in_the_history_are_judged_each_on_its_own()
    {
        // n2 never serves after the heal while n1 does: as one cluster that would pass, per node it fails.
        var ops = new List<Op>();
        long i = 0;
        void Add(int p, OpType t, double at, string? node) => ops.Add(new Op(i++, (long)(at * S), p, t, "read", null) { Node = t == OpType.Invoke ? node : null });
        void Nem(string f, double at) { Add(Op.NemesisProcess, OpType.Invoke, at, null); ops[^1] = ops[^1] with { F = f }; Add(Op.NemesisProcess, OpType.Info, at, null); ops[^1] = ops[^1] with { F = f }; }
        for (var t = 0.5; t < 3; t += 0.5) { Add(0, OpType.Invoke, t - 0.1, "n1"); Add(0, OpType.Ok, t, null); Add(1, OpType.Invoke, t - 0.1, "n2"); Add(1, OpType.Ok, t, null); }
        Nem("start-partition", 3);
        Nem("stop-partition", 4);
        for (var t = 4.5; t < 20; t += 0.5) { Add(0, OpType.Invoke, t - 0.1, "n1"); Add(0, OpType.Ok, t, null); Add(1, OpType.Invoke, t - 0.1, "n2"); Add(1, OpType.Fail, t, null); }
        var r = new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3))).Check(ops);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("not recovered: n2", r.Summary);
        Assert.Equal("history", ((RecoveryReport)r.Details!).ByNode);
        var asOne = new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3))).Check(ops.Select(o => o with { Node = null }).ToList());
        Assert.Equal(Verdict.Valid, asOne.Verdict);
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
    /// <summary>Checked as `checker check` checks a history whose schedule it cannot know (Jepsen's): no node map, clients may idle.</summary>
    static CheckResult CheckUnscheduled(History h, double budget = 10, double stall = 5, IReadOnlyList<string>? nodes = null) =>
        new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(budget), TimeSpan.FromSeconds(stall), Nodes: nodes)).Check(h.Ops());

    [Fact]
    public void Jepsen_standard_ending_heal_then_sleep_then_final_reads_is_recovered_not_a_failure()
    {
        // Ops until a partition; the partition's ops fail; the heal at 20 s; (gen/sleep 10): nothing asked; final reads at 30.5 s.
        var h = Steady(new History(), 0.01, 10, 0, 1).Nemesis("start-partition", 10);
        for (var t = 10.5; t < 20; t += 0.5) h.Failed(0, t).Failed(1, t);
        h.Nemesis("stop-partition", 20);
        h.Ok(0, 30.5).Ok(1, 30.5);
        var r = CheckUnscheduled(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal("recovered", Assert.Single(((RecoveryReport)r.Details!).Heals).Outcome);
        // Known never to idle, the same silence is a cluster that did not come back.
        var asRun = new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), ClientsNeverIdle: true)).Check(h.Ops());
        Assert.Equal(Verdict.Invalid, asRun.Verdict);
    }

    [Fact]
    public void A_pause_in_asking_is_no_stall_but_asking_without_an_answer_after_it_is()
    {
        var quiet = Steady(new History(), 0.01, 20, 0, 1);
        quiet.Failed(0, 30).Ok(0, 30.5).Ok(1, 30.5); // 10 s with nobody asking, then one refusal and service
        Assert.Equal(Verdict.Valid, CheckUnscheduled(quiet).Verdict);

        var refused = Steady(new History(), 0.01, 20, 0, 1);
        for (var t = 30.0; t < 40; t += 0.5) refused.Failed(0, t).Failed(1, t); // asked for 10 s, never served
        refused.Ok(0, 40.5);
        var r = CheckUnscheduled(refused);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("stall: cluster completed no ok operation from 30.0s to 40.5s", r.Summary);
    }

    [Fact]
    public void A_cluster_asked_after_the_sleep_and_refusing_for_the_budget_is_not_recovered()
    {
        var h = Steady(new History(), 0.01, 10, 0, 1).Nemesis("start-partition", 10).Nemesis("stop-partition", 20);
        for (var t = 30.0; t < 45; t += 0.5) h.Failed(0, t).Failed(1, t); // final reads refused for 15 s
        h.Ok(0, 45.5);
        var r = CheckUnscheduled(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("not recovered: cluster served no ok operation within 10s of calm time in which it was asked after the partition heal at 20.0s", r.Summary);
        Assert.Contains("calm time counted: 30.0s..40.0s", r.Summary);
    }

    [Fact]
    public void A_node_named_in_the_header_that_no_client_addressed_is_not_judged()
    {
        var ops = new List<Op>();
        long i = 0;
        void Add(int p, OpType t, double at, string? node, string f = "read") => ops.Add(new Op(i++, (long)(at * S), p, t, f, null) { Node = t == OpType.Invoke ? node : null });
        for (var t = 0.5; t < 3; t += 0.5) { Add(0, OpType.Invoke, t - 0.1, "n1"); Add(0, OpType.Ok, t, null); Add(1, OpType.Invoke, t - 0.1, "n2"); Add(1, OpType.Ok, t, null); }
        Add(Op.NemesisProcess, OpType.Info, 3, null, "start-partition");
        Add(Op.NemesisProcess, OpType.Info, 4, null, "stop-partition");
        for (var t = 4.5; t < 20; t += 0.5) { Add(0, OpType.Invoke, t - 0.1, "n1"); Add(0, OpType.Ok, t, null); Add(1, OpType.Invoke, t - 0.1, "n2"); Add(1, OpType.Ok, t, null); }
        var r = new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), Nodes: ["n1", "n2", "n3"])).Check(ops);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Contains("n3: no client addressed it, so it is not judged", r.Summary);
        Assert.DoesNotContain("n3", string.Join(",", ((RecoveryReport)r.Details!).Heals.Single().SecondsByNode.Keys));
    }

    [Fact]
    public void Time_after_a_nemesis_op_the_check_cannot_read_is_not_calm()
    {
        // A clock bump from 5 s to 12 s during which every op fails: not a stall "while no fault was active".
        var h = Steady(new History(), 0.01, 5, 0, 1).Nemesis("bump-clock", 5);
        for (var t = 5.5; t < 12; t += 0.5) h.Failed(0, t).Failed(1, t);
        h.Nemesis("reset-clock", 12);
        Steady(h, 12.5, 20, 0, 1);
        Assert.Equal(Verdict.Valid, CheckUnscheduled(h, stall: 3).Verdict);
    }
}
