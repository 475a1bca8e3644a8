using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Checker.Runner.Tests.Support;
using Checker.Runner.Workloads;

using Checker.Databases.ZooKeeper.Tests.Support;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>
/// Whole runs of the set, queue, mutex and bank workloads against a real three-node ensemble: with
/// partitions, kills and pauses a correct client's run is valid; each faulty client mode leaves its
/// anomaly in the history. The faults last 2 s, well under every spec's session timeout, which is as
/// far as ZooKeeper promises anything about ephemeral znodes (see the mutex spec).
/// </summary>
[Collection("zookeeper")]
[Trait("Tier", "Slow")]
public sealed class ZooKeeperWorkloadRunTests : IDisposable
{
    const string Faults = "partition-isolate-one,partition-random-halves,kill-random,pause-random";
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    static TestSpec Spec(string workload, params (string Field, string Value)[] overrides) =>
        SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, $"zookeeper-{workload}.json"),
            overrides.Select(o => KeyValuePair.Create(o.Field, o.Value)));

    /// <summary>12 s with a 2 s fault every 4 s, drawn from partitions, kills and pauses.</summary>
    static TestSpec WithFaults(string workload) =>
        Spec(workload, ("time-limit", "12"), ("nemesis.faults", Faults), ("nemesis.interval", "4"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"));

    /// <summary>5 s of the workload's faulty client mode, without faults.</summary>
    static TestSpec Faulty(string workload) =>
        Spec(workload, ("time-limit", "5"), ("nemesis.faults", ""), ("client.mode", ClientModes.FaultyModeOf(workload)!), ("client.fault-probability", "0.2"));

    /// <summary>
    /// Runs the spec; the overall verdict and the workload's own check must both be valid, or both invalid
    /// (or, where `honestUnknown` accepts the workload's check, both that check's verdict).
    /// </summary>
    async Task<(IReadOnlyList<Op> History, CheckResult Check)> RunAsync(TestSpec spec, int seed, bool valid, Func<CheckResult, bool>? honestUnknown = null)
    {
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, seed), CancellationToken.None);
        var checks = Checker.Runner.Tests.Support.RunAssert.Verdicts(outcome);
        var check = Assert.Single(outcome.Checks, c => c.Checker == spec.Workload.Name);
        var expected = valid ? Verdict.Valid : Verdict.Invalid;
        if (honestUnknown is not null && check.Verdict == Verdict.Unknown && honestUnknown(check)) expected = Verdict.Unknown;
        Assert.True(outcome.Verdict == expected, checks);
        Assert.True(check.Verdict == expected, checks);
        Assert.Empty(ZooKeeperProcesses.Of(outcome.Folder.RunId));
        var history = HistoryFile.Load(outcome.Folder.History);
        if (spec.Nemesis.Faults.Count > 0) Assert.Contains(history, o => o.IsNemesis && o.F == "heal");
        return (history, check);
    }

    [Fact]
    public async Task A_set_under_faults_keeps_every_acknowledged_element()
    {
        var (history, _) = await RunAsync(WithFaults("set"), seed: 21, valid: true);
        var (final, lost) = WorkloadHistories.SetLost(history);
        Assert.NotEmpty(final);
        Assert.Empty(lost);
        Assert.Empty(WorkloadHistories.SetUnexpected(history));
    }

    [Fact]
    public async Task A_set_client_that_loses_adds_is_invalid_and_leaves_acknowledged_elements_out_of_the_final_read()
    {
        var (history, check) = await RunAsync(Faulty("set"), seed: 22, valid: false);
        var lost = WorkloadHistories.SetLost(history).Lost;
        Assert.NotEmpty(lost);
        Assert.Equal(lost.Order(), ((Core.Workloads.SetReport)check.Details!).Lost.First.Select(e => e.Element).Order());
        Assert.Empty(WorkloadHistories.SetUnexpected(history));
    }

    [Fact]
    public async Task A_queue_under_faults_delivers_each_element_at_most_once_and_loses_nothing_certainly()
    {
        // A dequeue whose answer is lost may have taken an element: then an honest unknown, not valid.
        var (history, _) = await RunAsync(WithFaults("queue"), seed: 23, valid: true, WorkloadHistories.ValidOrLostOnlyToIndeterminateDequeues);
        Assert.Contains(history, o => o.F == QueueWorkload.Dequeue && o.Type == OpType.Ok);
        Assert.Empty(WorkloadHistories.QueueDuplicated(history));
        Assert.Empty(WorkloadHistories.QueueUnexpected(history));
        if (WorkloadHistories.QueueLost(history) is var (lost, infoDequeues)) Assert.True(lost.Count <= infoDequeues, $"lost: {string.Join(", ", lost)}");
    }

    [Fact]
    public async Task A_queue_client_that_delivers_twice_is_invalid_and_hands_out_an_element_twice()
    {
        var (history, check) = await RunAsync(Faulty("queue"), seed: 24, valid: false);
        var duplicated = WorkloadHistories.QueueDuplicated(history);
        Assert.NotEmpty(duplicated);
        Assert.Equal(duplicated.Order(), ((Core.Workloads.QueueReport)check.Details!).Duplicated.First.Select(e => e.Element).Order());
        Assert.Empty(WorkloadHistories.QueueUnexpected(history));
    }

    [Fact]
    public async Task A_mutex_under_faults_shorter_than_the_session_timeout_never_has_two_holders()
    {
        var (history, _) = await RunAsync(WithFaults("mutex"), seed: 25, valid: true);
        Assert.Contains(history, o => o.F == MutexWorkload.Acquire && o.Type == OpType.Ok);
        Assert.Empty(WorkloadHistories.MutexOverlaps(history));
        Assert.DoesNotContain(history, o => o.Error == Databases.ZooKeeper.ZooKeeperMutexes.SessionExpired);
    }

    [Fact]
    public async Task A_mutex_client_that_grants_twice_is_invalid_with_two_holders_at_once()
    {
        var (history, check) = await RunAsync(Faulty("mutex"), seed: 26, valid: false);
        Assert.NotEmpty(WorkloadHistories.MutexOverlaps(history));
        Assert.Contains("overlap: ", check.Summary);
    }

    [Fact]
    public async Task A_bank_under_faults_always_reads_the_opening_total()
    {
        var spec = WithFaults("bank");
        var (history, _) = await RunAsync(spec, seed: 27, valid: true);
        var settings = SpecSections.Read<BankSettings>(spec.Workload.Settings, "workload");
        Assert.Contains(history, o => o.F == BankWorkload.Transfer && o.Type == OpType.Ok);
        Assert.Contains(history, o => o.F == BankWorkload.Read && o.Type == OpType.Ok);
        Assert.Empty(WorkloadHistories.BankBadReads(history, settings.Accounts, settings.Total));
    }

    [Fact]
    public async Task A_bank_client_that_writes_half_transfers_is_invalid_and_makes_money_vanish()
    {
        var spec = Faulty("bank");
        var (history, check) = await RunAsync(spec, seed: 28, valid: false);
        var settings = SpecSections.Read<BankSettings>(spec.Workload.Settings, "workload");
        var bad = WorkloadHistories.BankBadReads(history, settings.Accounts, settings.Total);
        Assert.NotEmpty(bad);
        Assert.Equal(bad.Count, ((Core.Workloads.BankReport)check.Details!).BadReads);
        Assert.All(bad, read => Assert.True(((IDictionary<object, object?>)read.Value!).Values.Sum(v => (long)v!) < settings.Total)); // only ever less
    }

    public void Dispose()
    {
        try { Directory.Delete(results, recursive: true); } catch (IOException) { }
    }
}
