using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Tests.Support;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

public class SetCheckerTests
{
    static (CheckResult Result, SetReport Report) Check(Recorder h)
    {
        var r = new SetChecker("test").Check(h.Ops);
        return (r, (SetReport)r.Details!);
    }

    static Recorder Adds(params (long X, OpType Outcome)[] adds)
    {
        var h = new Recorder();
        foreach (var (x, outcome) in adds) h.Call(0, "add", x, outcome);
        return h;
    }

    [Fact]
    public void Every_acknowledged_element_in_the_final_read_is_valid()
    {
        var h = Adds((1, OpType.Ok), (2, OpType.Ok), (3, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List(3, 1, 2));
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal((3, 3, 3, 3), (report.Attempted, report.Acknowledged, report.Ok, report.FinalReadSize));
        Assert.Equal(7, report.FinalReadIndex);
    }

    [Fact]
    public void An_acknowledged_element_missing_from_the_final_read_is_lost_and_named_with_its_op()
    {
        var h = Adds((1, OpType.Ok), (2, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List(1));
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(1, report.Lost.Count);
        var lost = Assert.Single(report.Lost.First);
        Assert.Equal((2L, 2L), (lost.Element, lost.AddIndex!.Value));
        Assert.Equal(2_000_000, lost.AddTime);
        Assert.Contains("1 lost", r.Summary);
        Assert.Contains("lost (acknowledged, or read, before the final read began, missing from it): 2 (added op 2", r.Summary);
    }

    [Fact]
    public void An_indeterminate_add_read_once_and_missing_from_a_later_final_read_is_lost_as_in_set_full()
    {
        var h = Adds((1, OpType.Info), (2, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List(1, 2))
            .Call(1, "read", null, OpType.Ok, Recorder.List(2));
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(1L, Assert.Single(report.Lost.First).Element);
    }

    [Fact]
    public void An_indeterminate_add_read_only_by_a_read_still_running_when_the_final_read_began_may_be_missing_from_it()
    {
        // Read A (process 1) shows 1 but completes after the final read (process 2) began: the final read may come first.
        var h = Adds((1, OpType.Info)).Invoke(1, "read").Invoke(2, "read").Ok(1, "read", Recorder.List(1)).Ok(2, "read", Recorder.List());
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal(0, report.Lost.Count);
    }

    [Fact]
    public void An_element_no_add_tried_is_unexpected_and_named_with_the_read_that_showed_it()
    {
        var h = Adds((1, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List(1, 99));
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var u = Assert.Single(report.Unexpected.First);
        Assert.Equal((99L, (long?)null, 3L), (u.Element, u.AddIndex, u.SeenIndex!.Value));
        Assert.Contains("unexpected (read, never added): 99 (read op 3", r.Summary);
    }

    [Fact]
    public void An_element_whose_add_failed_yet_is_read_is_failed_but_present_even_in_an_earlier_read()
    {
        var h = Adds((1, OpType.Ok), (2, OpType.Fail))
            .Call(1, "read", null, OpType.Ok, Recorder.List(1, 2))
            .Call(1, "read", null, OpType.Ok, Recorder.List(1));
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var f = Assert.Single(report.FailedButPresent.First);
        Assert.Equal((2L, 5L), (f.Element, f.SeenIndex!.Value)); // the first read, not the final one
        Assert.Contains("failed but present", r.Summary);
    }

    [Fact]
    public void An_indeterminate_add_may_show_up_recovered_or_not_at_all()
    {
        var h = Adds((1, OpType.Ok), (2, OpType.Info), (3, OpType.Info)).Call(1, "read", null, OpType.Ok, Recorder.List(1, 2));
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal((2, 1, 1), (report.Ok, report.Recovered, report.Indeterminate));
    }

    [Fact]
    public void An_add_acknowledged_while_the_final_read_ran_may_be_missing_but_one_acknowledged_before_it_may_not()
    {
        var h = new Recorder()
            .Invoke(0, "add", 1L).Invoke(1, "add", 2L).Ok(1, "add", 2L) // 2 acknowledged before the read begins
            .Invoke(2, "read")
            .Ok(0, "add", 1L) // 1 acknowledged while the read runs
            .Ok(2, "read", Recorder.List());
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(2L, Assert.Single(report.Lost.First).Element);
        Assert.Equal(1, report.Indeterminate);

        var concurrentOnly = new Recorder().Invoke(0, "add", 1L).Invoke(2, "read").Ok(0, "add", 1L).Ok(2, "read", Recorder.List());
        Assert.Equal(Verdict.Valid, new SetChecker().Check(concurrentOnly.Ops).Verdict);
    }

    [Fact]
    public void A_set_never_read_is_unknown_not_valid()
    {
        var h = Adds((1, OpType.Ok)).Call(1, "read", null, OpType.Fail).Call(2, "read", null, OpType.Info);
        var (r, _) = Check(h);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Contains("never read", r.Summary);
        Assert.Equal(Verdict.Unknown, new SetChecker().Check(Adds((1, OpType.Ok)).Ops).Verdict);
    }

    [Fact]
    public void Adds_after_the_final_read_are_not_judged_so_the_verdict_is_unknown_unless_something_is_wrong()
    {
        var h = Adds((1, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List(1)).Call(0, "add", 2L, OpType.Ok).Call(0, "add", 3L, OpType.Fail);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Equal(1, report.AddedAfterFinalRead); // the failed add certainly did not happen: nothing to judge
        Assert.Contains("not judged", r.Summary);

        h.Call(1, "read", null, OpType.Fail); // a later read that failed changes nothing
        Assert.Equal(Verdict.Unknown, new SetChecker().Check(h.Ops).Verdict);
        var lost = Adds((1, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List()).Call(0, "add", 2L, OpType.Ok);
        Assert.Equal(Verdict.Invalid, new SetChecker().Check(lost.Ops).Verdict);
    }

    [Fact]
    public void The_final_read_is_the_last_ok_read_invoked_and_only_it_judges_loss()
    {
        var h = Adds((1, OpType.Ok), (2, OpType.Ok))
            .Call(1, "read", null, OpType.Ok, Recorder.List(1)) // an earlier read may miss 2: it is not final
            .Call(1, "read", null, OpType.Ok, Recorder.List(1, 2));
        Assert.Equal(Verdict.Valid, Check(h).Result.Verdict);
    }

    [Fact]
    public void Reads_in_either_format_and_sets_as_edn_sets_are_judged_alike()
    {
        const string edn = """
            {:index 0 :time 0 :process 0 :type :invoke :f :add :value 1}
            {:index 1 :time 1 :process 0 :type :ok :f :add :value 1}
            {:index 2 :time 2 :process 0 :type :invoke :f :add :value 2}
            {:index 3 :time 3 :process 0 :type :ok :f :add :value 2}
            {:index 4 :time 4 :process 1 :type :invoke :f :read :value nil}
            {:index 5 :time 5 :process 1 :type :ok :f :read :value #{1}}
            """;
        var r = new SetChecker().Check(HistoryFile.Read(new StringReader(edn), "edn").ToList());
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(2L, ((SetReport)r.Details!).Lost.First.Single().Element);
    }

    [Fact]
    public void Lists_in_the_details_are_capped_but_counted_in_full()
    {
        var h = new Recorder();
        for (var x = 0; x < 2500; x++) h.Call(0, "add", (long)x, OpType.Ok);
        h.Call(1, "read", null, OpType.Ok, Recorder.List());
        var report = Check(h).Report;
        Assert.Equal(2500, report.Lost.Count);
        Assert.Equal(ElementList.Cap, report.Lost.First.Count);
        Assert.Equal(0L, report.Lost.First[0].Element); // the first added first
    }

    [Fact]
    public void Malformed_ops_are_format_errors_naming_the_line()
    {
        var bad = new Recorder().Call(0, "add", "x", OpType.Ok);
        var e = Assert.Throws<HistoryFormatException>(() => new SetChecker("h.jsonl").Check(bad.Ops));
        Assert.Contains("h.jsonl:1", e.Message);
        Assert.Contains("integer", e.Message);
        var other = new Recorder().Call(0, "enqueue", 1L, OpType.Ok);
        Assert.Contains("no operation 'enqueue'", Assert.Throws<HistoryFormatException>(() => new SetChecker().Check(other.Ops)).Message);
        var notAList = new Recorder().Call(0, "read", null, OpType.Ok, 5L);
        Assert.Contains("list of elements", Assert.Throws<HistoryFormatException>(() => new SetChecker().Check(notAList.Ops)).Message);
    }

    [Fact]
    public void Cancellation_gives_unknown()
    {
        var h = Adds((1, OpType.Ok)).Call(1, "read", null, OpType.Ok, Recorder.List(1));
        var r = new SetChecker().Check(h.Ops, new CancellationToken(true));
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Contains("cancelled", r.Summary);
    }
}
