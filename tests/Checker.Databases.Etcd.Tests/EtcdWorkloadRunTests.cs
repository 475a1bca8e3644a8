using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Checker.Runner.Tests.Support;

namespace Checker.Databases.Etcd.Tests;

/// <summary>
/// Whole runs of workloads/etcd-{set,queue,mutex,bank}.json against a real local three-member cluster:
/// with partitions, kills and pauses each is valid; in its faulty mode each shows its anomaly.
/// The valid runs use every fault the specs do: etcd promises all four workloads' properties under
/// them, the mutex's included, since a holder releases long before its lease can run out (see EtcdMutexes).
/// </summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdWorkloadRunTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    const string Faults = "partition-isolate-leader,partition-random-halves,partition-one-way,kill-leader,kill-random,pause-random";
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    async Task<(RunOutcome Outcome, IReadOnlyList<Op> History)> RunAsync(string workload, params (string Field, string Value)[] overrides)
    {
        var spec = SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, $"etcd-{workload}.json"),
            overrides.Select(o => KeyValuePair.Create(o.Field, o.Value)));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 7), CancellationToken.None);
        var history = HistoryFile.Load(outcome.Folder.History);
        var done = history.Where(o => !o.IsNemesis && o.Type != OpType.Invoke).GroupBy(o => (o.F, o.Type)).OrderBy(g => g.Key);
        output.WriteLine($"{outcome.Verdict}; {string.Join(", ", done.Select(g => $"{g.Key.F} {g.Key.Type}: {g.Count()}"))}\n{Checks(outcome)}");
        return (outcome, history);
    }

    /// <summary>Ten seconds with a fault every four seconds; rates low enough that the set and queue models also judge.</summary>
    Task<(RunOutcome Outcome, IReadOnlyList<Op> History)> WithFaultsAsync(string workload, string rate) =>
        RunAsync(workload, ("time-limit", "10"), ("rate", rate), ("nemesis.faults", Faults), ("nemesis.interval", "4"),
            ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"), ("recovery.final-reads", "3"));

    /// <summary>Five seconds in the workload's faulty mode, no faults: small enough for the models.</summary>
    Task<(RunOutcome Outcome, IReadOnlyList<Op> History)> FaultyAsync(string workload, string mode, string probability) =>
        RunAsync(workload, ("time-limit", "5"), ("rate", "30"), ("nemesis.faults", ""), ("client.mode", mode),
            ("client.fault-probability", probability), ("recovery.final-reads", "2"));

    /// <summary>The named check, asserted to have the verdict.</summary>
    static CheckResult AssertCheck(RunOutcome o, string checker, Verdict verdict)
    {
        var check = Assert.Single(o.Checks, c => c.Checker == checker);
        Assert.True(check.Verdict == verdict, Checks(o));
        return check;
    }

    static string Checks(RunOutcome o) => string.Join("\n", o.Checks.Select(c => $"{c.Checker}: {c.Verdict} {c.Summary}"));

    static void AssertFaulted(IReadOnlyList<Op> history)
    {
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-partition");
        Assert.Contains(history, o => o.IsNemesis && o.F.StartsWith("start-", StringComparison.Ordinal) && o.F != "start-partition");
    }

    [Fact]
    public async Task A_set_under_faults_is_valid_and_its_final_read_holds_every_acknowledged_add()
    {
        var (outcome, history) = await WithFaultsAsync("set", "30");
        Assert.True(outcome.Verdict == Verdict.Valid, Checks(outcome));
        AssertFaulted(history);
        Assert.Empty(WorkloadHistories.SetLost(history).Lost);
        AssertCheck(outcome, "set", Verdict.Valid);
    }

    [Fact]
    public async Task A_set_that_loses_adds_is_invalid_and_its_final_read_misses_acknowledged_adds()
    {
        var (outcome, history) = await FaultyAsync("set", "lose-adds", "0.2");
        var lost = WorkloadHistories.SetLost(history).Lost;
        Assert.NotEmpty(lost);
        Assert.True(outcome.Verdict == Verdict.Invalid, Checks(outcome));
        var set = (Core.Workloads.SetReport)AssertCheck(outcome, "set", Verdict.Invalid).Details!;
        Assert.Equal(lost.Order(), set.Lost.First.Select(e => e.Element).Order());
    }

    [Fact]
    public async Task A_queue_under_faults_is_drained_delivers_nothing_twice_and_loses_nothing_certainly()
    {
        var (outcome, history) = await WithFaultsAsync("queue", "30");
        // A dequeue whose answer is lost may have taken an element: then an honest unknown, not valid.
        var queue = Assert.Single(outcome.Checks, c => c.Checker == "queue");
        Assert.True(WorkloadHistories.ValidOrLostOnlyToIndeterminateDequeues(queue), Checks(outcome));
        Assert.True(outcome.Verdict == queue.Verdict, Checks(outcome));
        AssertFaulted(history);
        Assert.Empty(WorkloadHistories.QueueDuplicated(history));
        Assert.Empty(WorkloadHistories.QueueUnexpected(history));
        // Drained, and only a dequeue of unknown outcome may have taken an element that no ok dequeue delivered.
        var (lost, unknownDequeues) = WorkloadHistories.QueueLost(history) ?? throw new Xunit.Sdk.XunitException("the queue was not drained");
        Assert.True(lost.Count <= unknownDequeues);
    }

    [Fact]
    public async Task A_queue_that_delivers_twice_is_invalid_and_delivers_an_element_twice()
    {
        var (outcome, history) = await FaultyAsync("queue", "deliver-twice", "0.3");
        Assert.NotEmpty(WorkloadHistories.QueueDuplicated(history));
        Assert.True(outcome.Verdict == Verdict.Invalid, Checks(outcome));
        Assert.Contains("duplicated (dequeued more often than enqueued)", AssertCheck(outcome, "queue", Verdict.Invalid).Summary);
    }

    [Fact]
    public async Task A_mutex_under_faults_is_valid_and_no_two_holders_overlap()
    {
        var (outcome, history) = await WithFaultsAsync("mutex", "20");
        Assert.True(outcome.Verdict == Verdict.Valid, Checks(outcome));
        AssertFaulted(history);
        Assert.Contains(history, o => o.Type == OpType.Ok && o.F == "acquire");
        Assert.Empty(WorkloadHistories.MutexOverlaps(history));
        AssertCheck(outcome, "mutex", Verdict.Valid);
    }

    [Fact]
    public async Task A_mutex_that_grants_twice_is_invalid_and_two_holders_overlap()
    {
        var (outcome, history) = await FaultyAsync("mutex", "grant-twice", "0.3");
        Assert.NotEmpty(WorkloadHistories.MutexOverlaps(history));
        Assert.True(outcome.Verdict == Verdict.Invalid, Checks(outcome));
        Assert.Contains("overlap: ", AssertCheck(outcome, "mutex", Verdict.Invalid).Summary);
        // No lease ran out here, and the explanation says so: the overlap is the client's, not etcd's lease semantics.
        Assert.DoesNotContain(history, o => o.Error == Databases.Etcd.EtcdMutexes.LeaseExpired);
        Assert.Contains(outcome.Checks, c => c.Verdict == Verdict.Invalid && c.Summary.Contains("no release found its lease expired"));
    }

    [Fact]
    public async Task A_bank_under_faults_is_valid_and_every_read_adds_up()
    {
        var (outcome, history) = await WithFaultsAsync("bank", "50");
        Assert.True(outcome.Verdict == Verdict.Valid, Checks(outcome));
        AssertFaulted(history);
        Assert.Contains(history, o => o.Type == OpType.Ok && o.F == "transfer");
        Assert.Contains(history, o => o.Type == OpType.Ok && o.F == "read");
        Assert.Empty(WorkloadHistories.BankBadReads(history, 5, 50));
        AssertCheck(outcome, "bank", Verdict.Valid);
    }

    [Fact]
    public async Task A_bank_with_half_transfers_is_invalid_and_reads_money_vanishing()
    {
        var (outcome, history) = await FaultyAsync("bank", "half-transfers", "0.3");
        Assert.True(outcome.Verdict == Verdict.Invalid, Checks(outcome));
        var first = AssertCheck(outcome, "bank", Verdict.Invalid);
        Assert.Contains("wrong-total", first.Summary);
        var bad = WorkloadHistories.BankBadReads(history, 5, 50);
        Assert.NotEmpty(bad);
        Assert.All(bad, r => Assert.True(((IDictionary<object, object?>)r.Value!).Values.Sum(v => (long)v!) < 50));
    }

    public void Dispose()
    {
        try { Directory.Delete(results, recursive: true); } catch (IOException) { }
    }
}
