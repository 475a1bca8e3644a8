using Checker.Runner.Spec;
using Checker.Runner.Workloads;

namespace Checker.Runner.Tests;

/// <summary>What the workloads ask of the clients, and the spec fields that shape them.</summary>
public class WorkloadTests
{
    [Fact]
    public void Set_and_queue_elements_are_unique_across_workers()
    {
        foreach (IWorkload workload in new IWorkload[] { new SetWorkload(new SetSettings()), new QueueWorkload(new QueueSettings()) })
        {
            var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
            Parallel.For(0, 8, w =>
            {
                var random = new Random(w);
                for (var i = 0; i < 2000; i++)
                    if (workload.Next(w, random) is { F: SetWorkload.Add or QueueWorkload.Enqueue, Value: long x }) seen.Add(x);
            });
            Assert.NotEmpty(seen);
            Assert.Equal(seen.Count, seen.Distinct().Count());
        }
    }

    [Fact]
    public void Each_mutex_worker_alternates_acquire_and_release_and_releases_at_the_end()
    {
        var mutex = new MutexWorkload();
        var random = new Random(1);
        Assert.Equal(MutexWorkload.Acquire, mutex.Next(0, random).F);
        Assert.Equal(MutexWorkload.Acquire, mutex.Next(1, random).F);
        Assert.Equal(MutexWorkload.Release, mutex.Next(0, random).F);
        Assert.Equal(MutexWorkload.Acquire, mutex.Next(0, random).F);
        Assert.Equal(MutexWorkload.Release, mutex.Next(1, random).F);
        Assert.Equal(MutexWorkload.Release, mutex.Final(0, 0)!.F);
        Assert.Null(mutex.Final(0, 1));
    }

    [Fact]
    public void Bank_transfers_move_between_two_different_accounts_within_the_limits()
    {
        var settings = new BankSettings { Accounts = 3, MaxTransfer = 4, ReadWeight = 0 };
        var bank = new BankWorkload(settings);
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var op = bank.Next(0, random);
            Assert.Equal(BankWorkload.Transfer, op.F);
            var (from, to, amount) = BankWorkload.ParseTransfer(op.Value);
            Assert.NotEqual(from, to);
            Assert.InRange(from, 0, 2);
            Assert.InRange(to, 0, 2);
            Assert.InRange(amount, 1, 4);
        }
        Assert.Equal(30, new BankSettings { Accounts = 3, InitialBalance = 10 }.Total);
    }

    [Fact]
    public void The_model_check_is_not_judged_above_its_limit()
    {
        var checker = SmallHistoryChecker.Linearizable("set", 2, "workload.modelLimit", new WorkloadCheckOptions(TimeSpan.FromSeconds(5), "h"));
        var history = Core.Formats.JsonLinesHistory.Read(new StringReader("""
            {"process":0,"type":"invoke","f":"add","value":1}
            {"process":0,"type":"ok","f":"add","value":1}
            {"process":0,"type":"invoke","f":"read","value":null}
            {"process":0,"type":"ok","f":"read","value":[1]}
            {"process":0,"type":"invoke","f":"read","value":null}
            {"process":0,"type":"ok","f":"read","value":[]}
            """), "h").ToList();
        var result = checker.Check(history);
        Assert.Equal(Core.Checks.Verdict.NotJudged, result.Verdict);
        Assert.Contains("workload.modelLimit", result.Summary);
        Assert.Equal(Core.Checks.Verdict.Invalid, SmallHistoryChecker.Linearizable("set", 3, "f", new WorkloadCheckOptions(TimeSpan.FromSeconds(5), "h")).Check(history).Verdict);
    }
}
