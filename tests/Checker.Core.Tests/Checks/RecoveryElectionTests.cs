using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Tests.Checks;

/// <summary>
/// The recovery check with the leader elections the node logs show, on the shape of a recorded etcd run
/// without pre-vote: a partition heals at 24 s, n1 serves at once, then the member that was cut off
/// rejoins with a higher term, unseats the leader, and n1's ops time out until the new leader serves.
/// </summary>
public class RecoveryElectionTests
{
    const long S = 1_000_000_000;
    const string TimedOut = "Unavailable: etcdserver: request timed out";

    static List<Op> RejoinHistory(double stallFrom = 26.3, double stallTo = 31.9)
    {
        var ops = new List<Op>();
        void Add(int p, OpType t, double at, string f = "acquire", string? error = null, object? value = null) =>
            ops.Add(new Op(0, (long)(at * S), p, t, f, value, Error: error));
        void Ok(int p, double at) { Add(p, OpType.Invoke, at - 0.01); Add(p, OpType.Ok, at); }
        for (var t = 0.01; t < 18; t += 0.5) { Ok(0, t); Ok(1, t); }
        Add(Op.NemesisProcess, OpType.Invoke, 18, "start-partition", value: "partition-random-halves");
        Add(Op.NemesisProcess, OpType.Info, 18, "start-partition");
        Add(Op.NemesisProcess, OpType.Invoke, 24, "stop-partition", value: "partition-random-halves");
        Add(Op.NemesisProcess, OpType.Info, 24, "stop-partition");
        for (var t = 24.5; t <= stallFrom; t += 0.3) { Ok(0, t); Ok(1, t); }
        Ok(0, stallFrom);
        // Processes 0 and 2 talk to n1; each op times out.
        foreach (var (p, at) in new[] { (0, stallFrom + 0.2), (2, stallFrom + 0.4) })
        {
            Add(p, OpType.Invoke, at);
            Add(p, OpType.Info, at + 3, error: TimedOut);
        }
        for (var t = stallFrom + 0.2; t < stallTo; t += 0.5) Ok(1, t); // n2 served on: only n1 stalls
        for (var t = stallTo; t < stallTo + 12; t += 0.5) { Ok(0, t); Ok(1, t); }
        return ops.OrderBy(o => o.Time).Select((o, i) => o with { Index = i }).ToList();
    }

    static CheckResult Check(List<Op> history, IReadOnlyList<LeaderElection>? elections) =>
        new RecoveryChecker(new RecoveryOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), p => $"n{p % 2 + 1}",
            ["n1", "n2"], ClientsNeverIdle: true, Elections: elections)).Check(history); // as a run's own check is made

    const string Rejoin = "a MsgAppResp with the higher term 7 from n2";

    static LeaderElection Election(double lost, double? elected, string trigger = Rejoin) =>
        new("n1", (long)(lost * S), elected is { } e ? (long)(e * S) : null, 5, elected is null ? null : 8, trigger);

    [Fact]
    public void Without_the_logs_the_gap_after_the_heal_is_a_stall_that_names_the_errors_of_the_ops_tried()
    {
        var r = Check(RejoinHistory(), null);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("stall: n1 completed no ok operation from 26.3s to 31.9s", r.Summary);
        Assert.Contains($"the ops tried ended: {TimedOut} (2)", r.Summary);
    }

    [Fact]
    public void A_re_election_the_heal_set_off_is_judged_as_that_heals_recovery_and_the_run_is_valid()
    {
        var r = Check(RejoinHistory(), [Election(27.1, 30.0)]);
        Assert.True(r.Verdict == Verdict.Valid, r.Summary);
        Assert.Contains("n1: no ok operation from 26.3s to 31.9s was a leader election (term 5→8) in n1's log at " +
                        "27.1s..30.0s", r.Summary);
        Assert.Contains("which the partition heal at 24.0s set off: judged as that heal's recovery", r.Summary);
        Assert.Empty(((RecoveryReport)r.Details!).Stalls);
    }

    [Fact]
    public void A_re_election_that_outlasts_the_heals_budget_is_still_a_stall_naming_the_election()
    {
        var r = Check(RejoinHistory(stallFrom: 26.3, stallTo: 36.5), [Election(27.1, null)]);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("stall: n1 completed no ok operation from 26.3s to 36.5s", r.Summary);
        Assert.Contains("likely cause: a leader election (from term 5, no leader again before the log ends) " +
                        $"in n1's log at 27.1s, set off by {Rejoin}", r.Summary);
    }

    [Fact]
    public void An_election_long_after_the_heal_is_not_the_heals_doing_the_stall_stands_and_names_it()
    {
        // The heal's budget of 10 s of calm time is spent by 34 s; a stall from 36 s is the cluster's own.
        var r = Check(RejoinHistory(stallFrom: 36.0, stallTo: 42.0), [Election(36.5, 41.0)]);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("stall: n1 completed no ok operation from 36.0s to 42.0s", r.Summary);
        Assert.Contains("likely cause: a leader election (term 5→8) in n1's log at 36.5s..41.0s", r.Summary);
    }

    [Fact]
    public void Logs_that_show_no_election_during_a_stall_say_so()
    {
        var r = Check(RejoinHistory(), [Election(5.0, 5.5)]);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("the node logs show no leader election during it", r.Summary);
    }
}
