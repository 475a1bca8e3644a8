using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Tests.Support;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

public class MutexCheckerTests
{
    static (CheckResult Result, MutexReport Report) Check(Recorder h)
    {
        var r = new MutexChecker().Check(h.Ops);
        return (r, (MutexReport)r.Details!);
    }

    [Fact]
    public void An_acquire_refused_because_another_holds_the_lock_is_an_answer_and_other_fails_are_not()
    {
        var h = new Recorder()
            .Call(0, "acquire", null, OpType.Ok)
            .Call(1, "acquire", null, OpType.Fail, error: "not granted in time; withdrew")
            .Call(1, "release", null, OpType.Fail, error: "not granted")
            .Call(2, "acquire", null, OpType.Fail, error: "connect: refused")
            .Call(2, "acquire", null, OpType.Info, error: "not granted, and the withdrawal is unconfirmed");
        // ok, refused acquire: answers; a release's fail, a fail to connect, an info, an invoke: not
        Assert.Equal([true, true, false, false, false, false], new[] { 1, 3, 5, 7, 9, 2 }.Select(i => MutexChecker.Answered(h.Ops[i])));
    }

    [Fact]
    public void The_longest_wait_runs_from_the_last_grant_to_the_latest_refusal_before_the_next_grant()
    {
        var h = new Recorder().Call(0, "acquire", null, OpType.Ok);                  // granted: op 1, 1 ms
        h.Call(1, "acquire", null, OpType.Fail, error: "not granted in time; withdrew"); // op 3
        h.Call(2, "acquire", null, OpType.Fail, error: "connect: refused");             // not a refusal: op 5
        h.Call(1, "acquire", null, OpType.Fail, error: "not granted in time; withdrew"); // op 7, 7 ms
        h.Call(0, "release", null, OpType.Ok).Call(2, "acquire", null, OpType.Ok);     // granted again: op 11
        h.Call(0, "acquire", null, OpType.Fail, error: "not granted in time; withdrew"); // op 13, 2 ms after
        var wait = Check(h).Report.LongestWait!;
        Assert.Equal((1L, 7L), (wait.FromIndex!.Value, wait.ToIndex));
        Assert.Equal(0.006, wait.Seconds, 6);
        Assert.Contains("longest wait while the lock was refused: 0.0s (from the grant at op 1", Check(h).Result.Summary);
        Assert.Equal(Verdict.Valid, Check(h).Result.Verdict); // a fact, not a verdict
    }

    [Fact]
    public void Without_a_refusal_there_is_no_wait()
    {
        var h = new Recorder().Call(0, "acquire", null, OpType.Ok).Call(1, "acquire", null, OpType.Fail, error: "connect: refused");
        Assert.Null(Check(h).Report.LongestWait);
    }

    [Fact]
    public void Holders_taking_turns_are_valid_and_listed()
    {
        var h = new Recorder()
            .Call(0, "acquire", null, OpType.Ok).Call(0, "release", null, OpType.Ok)
            .Call(1, "acquire", null, OpType.Ok).Call(1, "release", null, OpType.Ok)
            .Call(0, "acquire", null, OpType.Ok);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal((3, 3, 0L), (report.Acquired, report.Holders, report.Overlaps));
        var spans = MutexChecker.Holders(ClientCalls.Of(h.Ops, "h"));
        Assert.Equal((0, 1L, 2L), (spans[0].View.Process, spans[0].View.FromIndex, spans[0].View.ReleaseIndex!.Value));
        Assert.Null(spans[2].View.ReleaseIndex); // still held at the end
    }

    [Fact]
    public void A_lock_granted_twice_is_invalid_and_both_holders_are_named()
    {
        var h = new Recorder()
            .Call(0, "acquire", null, OpType.Ok)
            .Call(1, "acquire", null, OpType.Ok) // granted while process 0 holds it
            .Call(0, "release", null, OpType.Ok).Call(1, "release", null, OpType.Ok);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(Verdict.Invalid, report.Linearizability.Verdict);
        var o = Assert.Single(report.FirstOverlaps);
        Assert.Equal((0, 1L, 4L), (o.First.Process, o.First.FromIndex, o.First.ReleaseIndex!.Value));
        Assert.Equal((1, 3L, 6L), (o.Second.Process, o.Second.FromIndex, o.Second.ReleaseIndex!.Value));
        Assert.Contains("overlap: process 0 held it from op 1 (0.001 s) until its release op 4 (0.004 s) and process 1 held it from op 3", r.Summary);
    }

    [Fact]
    public void An_overlap_the_model_accepts_through_a_stray_release_is_still_invalid()
    {
        var h = new Recorder()
            .Invoke(3, "release").Info(3, "release") // a release by a process that never held the lock: it may land anywhere
            .Call(0, "acquire", null, OpType.Ok)
            .Call(1, "acquire", null, OpType.Ok);
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, report.Linearizability.Verdict); // the model does not know whose lock it releases
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal(1L, report.Overlaps);
        Assert.Contains("to the end (never released)", r.Summary);
        Assert.Contains("two processes held it at once", r.Summary);
    }

    [Fact]
    public void A_failed_release_does_not_end_a_hold_and_an_indeterminate_acquire_starts_none()
    {
        var failed = new Recorder()
            .Call(0, "acquire", null, OpType.Ok).Call(0, "release", null, OpType.Fail)
            .Call(1, "acquire", null, OpType.Ok);
        Assert.Equal(1L, Check(failed).Report.Overlaps);

        var crashed = new Recorder()
            .Call(0, "acquire", null, OpType.Info) // process 0 retires; it may or may not have got the lock
            .Call(1, "acquire", null, OpType.Ok).Call(1, "release", null, OpType.Ok);
        var (r, report) = Check(crashed);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal((1, 0L), (report.Holders, report.Overlaps));
    }

    [Fact]
    public void An_indeterminate_release_ends_the_certain_hold_at_its_invoke()
    {
        var h = new Recorder()
            .Call(0, "acquire", null, OpType.Ok)
            .Invoke(0, "release")
            .Call(1, "acquire", null, OpType.Ok) // process 0's release may have taken effect by now
            .Info(0, "release");
        var (r, report) = Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal(0L, report.Overlaps);
    }

    [Fact]
    public void A_keyed_op_is_a_format_error_and_cancellation_unknown()
    {
        var h = new Recorder().Record(0, OpType.Invoke, "acquire", null, key: "a").Record(0, OpType.Ok, "acquire", null, key: "a");
        Assert.Contains("single lock", Assert.Throws<HistoryFormatException>(() => new MutexChecker().Check(h.Ops)).Message);
        var ok = new Recorder().Call(0, "acquire", null, OpType.Ok);
        Assert.Equal(Verdict.Unknown, new MutexChecker().Check(ok.Ops, new CancellationToken(true)).Verdict);
    }
}
