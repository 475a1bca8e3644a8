using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Tests.Support;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

public class QueueCheckerTests
{
    static (CheckResult Result, QueueReport Report) Check(Recorder h)
    {
        var r = new QueueChecker("test").Check(h.Ops);
        return (r, (QueueReport)r.Details!);
    }

    static Recorder Enqueue(Recorder h, long x, OpType outcome = OpType.Ok) => h.Call(0, "enqueue", x, outcome);
    static Recorder Dequeue(Recorder h, long x, int process = 1) => h.Call(process, "dequeue", null, OpType.Ok, x);
    static Recorder Empty(Recorder h, int process = 1) => h.Call(process, "dequeue", null, OpType.Fail, error: "empty");

    [Fact]
    public void A_dequeue_that_finds_the_queue_empty_is_an_answer_and_other_fails_are_not()
    {
        var h = new Recorder();
        Dequeue(Enqueue(h, 1), 1);
        Empty(h);
        h.Call(2, "dequeue", null, OpType.Fail, error: "connect: refused");
        h.Call(2, "enqueue", 5L, OpType.Fail, error: "empty");
        // enqueue ok, dequeue ok, dequeue "empty": answers; a dequeue that failed to connect, an enqueue's fail, an invoke: not
        Assert.Equal([true, true, true, false, false, false], new[] { 1, 3, 5, 7, 9, 4 }.Select(i => QueueChecker.Answered(h.Ops[i])));
    }

    [Fact]
    public void Every_element_dequeued_once_then_empty_is_valid()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2); Dequeue(h, 2); Dequeue(h, 1); Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal((2, 2, 2, 1), (report.Attempted, report.Acknowledged, report.Dequeued, report.EmptyDequeues));
        Assert.Equal(8, report.DrainedAtIndex);
        Assert.Equal("none", report.LostJudged);
    }

    [Fact]
    public void Lost_elements_beyond_the_indeterminate_dequeues_are_invalid_and_named()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2); Enqueue(h, 3);
        Dequeue(h, 1);
        h.Call(2, "dequeue", null, OpType.Info); // may have taken 2 or 3, not both
        Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal((2, 1, "invalid"), (report.Lost.Count, report.CertainlyLost, report.LostJudged));
        Assert.Equal([2L, 3L], report.Lost.First.Select(e => e.Element));
        Assert.Contains("at least 1 are lost: 2 (enqueued op 2", r.Summary);
    }

    [Fact]
    public void Lost_elements_the_indeterminate_dequeues_may_have_taken_are_unknown()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2);
        Dequeue(h, 1);
        h.Invoke(2, "dequeue"); // never completes: may have taken 2
        Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Equal((1, 0, "unknown", 1), (report.Lost.Count, report.CertainlyLost, report.LostJudged, report.IndeterminateDequeues));
        Assert.Contains("may have taken them", r.Summary);
    }

    [Fact]
    public void A_lost_element_whose_only_indeterminate_dequeue_began_after_the_empty_answer_is_certainly_lost()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2); Dequeue(h, 1);
        Empty(h);
        h.Call(2, "dequeue", null, OpType.Info); // begun after the queue was found empty: it cannot have taken 2 before that
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal((1, 1, "invalid"), (report.Lost.Count, report.CertainlyLost, report.LostJudged));

        var concurrent = new Recorder();
        Enqueue(concurrent, 1); Enqueue(concurrent, 2); Dequeue(concurrent, 1);
        concurrent.Invoke(2, "dequeue"); // begun before the empty answer ended: it may have taken 2
        Empty(concurrent);
        concurrent.Info(2, "dequeue");
        Assert.Equal(Verdict.Unknown, Check(concurrent).Result.Verdict);
    }

    [Fact]
    public void An_empty_answer_while_an_acknowledged_element_was_queued_and_dequeued_later_is_invalid()
    {
        var h = new Recorder();
        Enqueue(h, 1); Empty(h); Dequeue(h, 1); Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(1, report.EmptyWhileQueuedCount);
        Assert.Equal(new EmptyWhileQueued(1, 0, 2, 4), Assert.Single(report.EmptyWhileQueued!));
        Assert.Contains("empty while queued: 1 elements were in the queue when a dequeue answered \"empty\": 1 (enqueued op 0, empty op 2, dequeued op 4)", r.Summary);
    }

    [Fact]
    public void An_empty_answer_concurrent_with_the_enqueue_or_before_its_acknowledgement_or_with_a_copy_to_spare_is_fine()
    {
        // The enqueue is acknowledged only after the empty dequeue began: the dequeue may have come first.
        var concurrent = new Recorder().Invoke(0, "enqueue", 1L).Invoke(1, "dequeue").Ok(0, "enqueue", 1L).Fail(1, "dequeue", error: "empty");
        Dequeue(concurrent, 1, process: 2); Empty(concurrent, process: 2);
        Assert.Equal(Verdict.Valid, Check(concurrent).Result.Verdict);

        // Indeterminate: it may have taken effect only later.
        var unacknowledged = new Recorder();
        Enqueue(unacknowledged, 1, OpType.Info); Empty(unacknowledged); Dequeue(unacknowledged, 1); Empty(unacknowledged);
        Assert.Equal(Verdict.Valid, Check(unacknowledged).Result.Verdict);

        // The dequeue of 1 began before the empty answer ended: it may have taken 1 first.
        var overlapping = new Recorder();
        Enqueue(overlapping, 1);
        overlapping.Invoke(2, "dequeue");
        Empty(overlapping);
        overlapping.Ok(2, "dequeue", 1L);
        Assert.Equal(Verdict.Valid, Check(overlapping).Result.Verdict);

        // Enqueued twice, dequeued ok once: an indeterminate dequeue before the empty answer may have taken the other copy.
        var twice = new Recorder();
        Enqueue(twice, 1); Enqueue(twice, 1, OpType.Info);
        twice.Call(2, "dequeue", null, OpType.Info);
        Empty(twice); Dequeue(twice, 1); Empty(twice, process: 3);
        Assert.Equal(0, Check(twice).Report.EmptyWhileQueuedCount);
    }

    [Fact]
    public void Without_an_empty_dequeue_loss_is_not_judged_but_other_anomalies_still_count()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2); Dequeue(h, 1);
        h.Call(1, "dequeue", null, OpType.Fail, error: "timeout before sending"); // certainly took nothing, but says nothing of emptiness
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Equal((1, "not drained", (long?)null), (report.NotDrained, report.LostJudged, report.DrainedAtIndex));
        Assert.Contains("not drained", r.Summary);

        Dequeue(h, 1); // 1 twice
        Assert.Equal(Verdict.Invalid, Check(h).Result.Verdict);
    }

    [Fact]
    public void An_element_acknowledged_after_the_last_empty_dequeue_is_not_judged()
    {
        var h = new Recorder();
        Enqueue(h, 1); Dequeue(h, 1); Empty(h); Enqueue(h, 2);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Equal((0, 1), (report.Lost.Count, report.NotDrained));
    }

    [Fact]
    public void An_element_dequeued_twice_is_duplicated()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2); Dequeue(h, 1); Dequeue(h, 2, process: 2); Dequeue(h, 1, process: 3); Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var d = Assert.Single(report.Duplicated.First);
        Assert.Equal((1L, 2, 5L), (d.Element, d.Seen, d.SeenIndex!.Value));
        Assert.Contains("duplicated (dequeued more often than enqueued): 1 (enqueued op 0", r.Summary);
    }

    [Fact]
    public void An_element_never_enqueued_is_unexpected_and_one_whose_enqueue_failed_is_failed_but_present()
    {
        var h = new Recorder();
        Enqueue(h, 1); Enqueue(h, 2, OpType.Fail); Dequeue(h, 1); Dequeue(h, 2); Dequeue(h, 7); Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(7L, Assert.Single(report.Unexpected.First).Element);
        Assert.Equal(2L, Assert.Single(report.FailedButPresent.First).Element);
        Assert.Contains("unexpected (dequeued, never enqueued): 7 (dequeued op 9", r.Summary);
    }

    [Fact]
    public void An_indeterminate_enqueue_dequeued_is_recovered_and_one_never_dequeued_is_fine()
    {
        var h = new Recorder();
        Enqueue(h, 1, OpType.Info); Enqueue(h, 2, OpType.Info); Dequeue(h, 1); Empty(h);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal(1, report.Recovered);
    }

    [Fact]
    public void An_edn_empty_keyword_drains_the_queue()
    {
        const string edn = """
            [{:index 0 :time 0 :process 0 :type :invoke :f :enqueue :value 1}
             {:index 1 :time 1 :process 0 :type :ok :f :enqueue :value 1}
             {:index 2 :time 2 :process 1 :type :invoke :f :dequeue :value nil}
             {:index 3 :time 3 :process 1 :type :fail :f :dequeue :value nil :error :empty}]
            """;
        var r = new QueueChecker().Check(HistoryFile.Read(new StringReader(edn), "edn").ToList());
        Assert.Equal(Verdict.Invalid, r.Verdict); // 1 acknowledged, the queue then empty, no indeterminate dequeue
        Assert.Equal(1, ((QueueReport)r.Details!).CertainlyLost);
    }

    [Fact]
    public void Malformed_ops_are_format_errors_naming_the_line()
    {
        var h = new Recorder();
        Enqueue(h, 1);
        h.Call(1, "dequeue", null, OpType.Ok, null); // ok with no element: the client should have failed it "empty"
        var e = Assert.Throws<HistoryFormatException>(() => new QueueChecker("q.jsonl").Check(h.Ops));
        Assert.Contains("q.jsonl:4", e.Message);
        var twice = new Recorder().Invoke(0, "enqueue", 1L).Invoke(0, "enqueue", 2L);
        Assert.Contains("still outstanding", Assert.Throws<HistoryFormatException>(() => new QueueChecker().Check(twice.Ops)).Message);
    }
}
