using Checker.Runner.Databases;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Workloads;

namespace Checker.Runner.Spec;

/// <summary>
/// Range and name checks on a parsed spec, each error naming its field; then the suite's own checks,
/// and the faults: one the database or the network cannot do is refused before anything starts.
/// </summary>
public static class SpecValidator
{
    const double Week = 7 * 24 * 3600;

    public static void Validate(TestSpec s)
    {
        Require(
            !string.IsNullOrWhiteSpace(s.Name) && s.Name.IndexOfAny(['/', '\\']) < 0 && s.Name is not "." and not "..",
            "name",
            "must be a non-empty name without slashes"
        );
        Require(s.Db is not null, "db", "must be an object");
        Require(s.Nodes is not null, "nodes", "must be an object");
        Require(s.Workload is not null, "workload", "must be an object");
        Require(s.Client is not null, "client", "must be an object");
        Require(s.Nemesis is not null, "nemesis", "must be an object");
        Require(s.Recovery is not null, "recovery", "must be an object");
        Require(s.Checker is not null, "checker", "must be an object");
        var suite = DatabaseSuites.Find(s.Db.Name);
        Require(
            suite is not null,
            "db.name",
            $"'{s.Db.Name}' is not a database Checker can test (known: {string.Join(", ", DatabaseSuites.Names)})"
        );
        Require(s.Db.StartTimeout is > 0 and <= Week, "db.startTimeout", "must be positive (at most a week)");
        Require(s.Nodes.Count is >= 1 and <= 9, "nodes.count", "must be 1..9");
        NodeProviders.Validate(s.Nodes); // the provider checks its own fields
        Require(
            suite!.Workloads.Contains(s.Workload.Name),
            "workload.name",
            $"'{s.Workload.Name}' is not a workload {suite.Name} runs (known: {string.Join(", ", suite.Workloads)})"
        );
        var faulty = ClientModes.FaultyModeOf(s.Workload.Name);
        Require(
            s.Client.Mode == ClientModes.Correct || s.Client.Mode == faulty,
            "client.mode",
            $"'{s.Client.Mode}' is not a mode of the {s.Workload.Name} workload "
                + $"({ClientModes.Correct}{(faulty is null ? "" : ", " + faulty)})"
        );
        Require(s.Client.OpTimeout is > 0 and <= 3600, "client.opTimeout", "must be positive (at most 3600)");
        Require(s.Client.ConnectTimeout is > 0 and <= 3600, "client.connectTimeout", "must be positive (at most 3600)");
        Require(s.Client.StaleReadProbability is >= 0 and <= 1, "client.staleReadProbability", "must be 0..1");
        Require(s.Client.FaultProbability is >= 0 and <= 1, "client.faultProbability", "must be 0..1");
        Require(s.Concurrency is >= 1 and <= 1000, "concurrency", "must be 1..1000");
        Require(s.Rate is >= 0 and <= 1e7, "rate", "must be 0..10000000 (0: unlimited)");
        Require(s.TimeLimit is > 0 and <= Week, "timeLimit", "must be positive (at most a week)");
        Require(s.Nemesis.Interval is > 0 and <= Week, "nemesis.interval", "must be positive (at most a week)");
        Require(
            s.Nemesis.Duration > 0 && s.Nemesis.Duration <= s.Nemesis.Interval,
            "nemesis.duration",
            "must be positive and at most nemesis.interval"
        );
        Require(s.Nemesis.InitialDelay is >= 0 and <= Week, "nemesis.initialDelay", "must be 0..a week");
        Require(
            s.Nemesis.PartitionMode is "drop" or "blackhole",
            "nemesis.partitionMode",
            $"'{s.Nemesis.PartitionMode}' is not a mode (drop, blackhole)"
        );
        Require(
            s.Nemesis.HealMode is "retransmit" or "instant",
            "nemesis.healMode",
            $"'{s.Nemesis.HealMode}' is not a mode (retransmit, instant)"
        );
        Require(
            s.Nemesis.SlowDelayMs is >= 0 and <= 60_000 && s.Nemesis.SlowJitterMs is >= 0 and <= 60_000,
            "nemesis.slowDelayMs",
            "must be 0..60000"
        );
        Require(s.Nemesis.LossProbability is > 0 and <= 1, "nemesis.lossProbability", "must be above 0 and at most 1");
        Require(s.Nemesis.BandwidthKbps is >= 1, "nemesis.bandwidthKbps", "must be at least 1");
        Require(s.Nemesis.StallAfterBytes is >= 1, "nemesis.stallAfterBytes", "must be at least 1");
        Require(s.Recovery.Budget is > 0 and <= Week, "recovery.budget", "must be positive (at most a week)");
        Require(s.Recovery.Stall is > 0 and <= Week, "recovery.stall", "must be positive (at most a week)");
        Require(s.Recovery.FinalReads is >= 0 and <= Week, "recovery.finalReads", "must be 0..a week");
        Require(s.Checker.Timeout is > 0 and <= Week, "checker.timeout", "must be positive (at most a week)");
        suite.Validate(s);
        ValidateFaults(s, Capabilities.Planned(suite, s.Nodes));
    }

    /// <summary>Refuses, naming it, a fault that is unknown or that this database, nodes or network cannot
    /// do.</summary>
    public static void ValidateFaults(TestSpec s, Capabilities can)
    {
        var mode = s.Nemesis.PartitionMode == "drop" ? PartitionMode.Drop : PartitionMode.Blackhole;
        foreach (var name in s.Nemesis.Faults)
        {
            if (name == FaultTable.Default)
                continue; // stands for the defaults that can run: never refused
            var fault = FaultTable.Find(name);
            var known = string.Join(", ", FaultTable.Names.Prepend(FaultTable.Default));
            Require(fault is not null, "nemesis.faults", $"names an unknown fault '{name}' (known: {known})");
            if (FaultTable.Unsupported(fault!, can, mode) is { } why)
                throw new SpecException($"field 'nemesis.faults': {why}");
        }
    }

    static void Require([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool ok, string field, string problem)
    {
        if (!ok)
            throw new SpecException($"field '{field}' {problem}");
    }
}
