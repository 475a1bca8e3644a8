using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Databases.Etcd;
using Checker.Runner.Running;
using Checker.Runner.Workloads;

namespace Checker.Databases.Etcd.Tests;

/// <summary>
/// The run's checks on a recorded etcd-mutex run (etcd 3.4 without pre-vote, partitions of the leader and of
/// random halves, seed 72) whose history shows n1 serving nothing from 56.9 s to 62.2 s after the heal at
/// 56.4 s: the member cut off by that partition rejoined with a higher term and unseated the leader. The
/// node logs kept here are the raft lines of the members' etcd.log.
/// </summary>
public sealed class EtcdRecoveryTests
{
    static readonly string Recorded = Path.Combine(Checker.Tests.RepositoryPaths.Root,
        "tests", "Checker.Databases.Etcd.Tests", "Recorded", "mutex-rejoin-without-pre-vote");

    static CheckResult Recovery(IReadOnlyList<LeaderElection>? elections)
    {
        var spec = Checker.Runner.Spec.SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-mutex.json"), []);
        var ops = HistoryFile.Load(Path.Combine(Recorded, "history.jsonl"));
        return RunChecks.Run(spec, new MutexWorkload(), null, ops, default, elections: elections)
            .Single(r => r.Checker == "recovery");
    }

    static List<LeaderElection> Elections()
    {
        // The history header's start: the run's time 0.
        var start = DateTimeOffset.Parse("2026-12-07T01:14:10.9155948Z",
            System.Globalization.CultureInfo.InvariantCulture);
        var logs = new[] { "n1", "n2", "n3" }
            .ToDictionary(n => n, n => File.ReadLines(Path.Combine(Recorded, $"{n}-etcd.log")));
        return EtcdElections.Parse(logs, start);
    }

    [Fact]
    public void Without_the_logs_the_rejoin_election_is_a_stall_that_names_how_the_ops_tried_ended()
    {
        var r = Recovery(null);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Contains("stall: n1 completed no ok operation from 56.9s to 62.2s while no fault was active", r.Summary);
        Assert.Contains("the ops tried ended:", r.Summary);
        Assert.Contains("DeadlineExceeded (1)", r.Summary);
    }

    [Fact]
    public void With_the_logs_the_election_the_heal_set_off_is_that_heals_recovery_and_the_run_is_valid()
    {
        var r = Recovery(Elections());
        Assert.True(r.Verdict == Verdict.Valid, r.Summary);
        Assert.Contains("n1: no ok operation from 56.9s to 62.2s was a leader election (term 16→20) in n3's log at " +
                        "57.4s..60.1s, set off by a MsgAppResp with the higher term 18 from n2, " +
                        "which the partition heal at 56.4s set off", r.Summary);
        Assert.Empty(((RecoveryReport)r.Details!).Stalls);
    }
}
