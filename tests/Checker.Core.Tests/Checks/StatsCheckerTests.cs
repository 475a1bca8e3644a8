using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Tests.Checks;

public class StatsCheckerTests
{
    static Op At(int index, long ms, int process, OpType type, string f) => new(index, ms * 1_000_000, process, type, f, null);

    [Fact]
    public void Counts_outcomes_per_f_with_latencies_of_the_ok_ones()
    {
        List<Op> h =
        [
            At(0, 0, 0, OpType.Invoke, "read"), At(1, 10, 0, OpType.Ok, "read"),
            At(2, 10, 1, OpType.Invoke, "write"), At(3, 40, 1, OpType.Fail, "write"),
            At(4, 40, 1, OpType.Invoke, "write"), At(5, 60, 1, OpType.Ok, "write"),
            At(6, 60, 0, OpType.Invoke, "read"), At(7, 90, 0, OpType.Info, "read"),
            At(8, 95, Op.NemesisProcess, OpType.Info, "start-kill"),
            At(9, 100, 2, OpType.Invoke, "read"),
        ];
        var r = new StatsChecker().Check(h);
        Assert.Equal(Verdict.Valid, r.Verdict);
        var report = (StatsReport)r.Details!;
        var read = report.ByF.Single(s => s.F == "read");
        Assert.Equal((1, 0, 1, 1), (read.Ok, read.Fail, read.Info, read.Pending));
        Assert.Equal(10, read.LatencyP50Ms);
        var write = report.ByF.Single(s => s.F == "write");
        Assert.Equal((1, 1), (write.Ok, write.Fail));
        Assert.Equal(20, write.LatencyMaxMs);
        Assert.Equal(2, report.All.Ok);
    }

    [Fact]
    public void An_f_that_never_succeeded_makes_the_stats_invalid()
    {
        List<Op> h = [At(0, 0, 0, OpType.Invoke, "read"), At(1, 1, 0, OpType.Ok, "read"), At(2, 1, 1, OpType.Invoke, "cas"), At(3, 2, 1, OpType.Fail, "cas")];
        var r = new StatsChecker().Check(h);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("never succeeded: cas", r.Summary);
    }
}
