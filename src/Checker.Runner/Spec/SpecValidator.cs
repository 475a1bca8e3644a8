namespace Checker.Runner.Spec;

/// <summary>Range and name checks on a parsed spec; each error names its field.</summary>
public static class SpecValidator
{
    public static void Validate(TestSpec s)
    {
        Require(!string.IsNullOrWhiteSpace(s.Name) && s.Name.IndexOfAny(['/', '\\']) < 0, "name", "must be a non-empty name without slashes");
        Require(s.Db.Name == "zookeeper", "db.name", $"'{s.Db.Name}' is not supported (only zookeeper)");
        Require(s.Db.TickTimeMs is >= 10 and <= 60_000, "db.tickTimeMs", "must be 10..60000");
        Require(s.Db.InitLimit >= 1, "db.initLimit", "must be at least 1");
        Require(s.Db.SyncLimit >= 1, "db.syncLimit", "must be at least 1");
        Require(s.Db.StartTimeout > 0, "db.startTimeout", "must be positive");
        Require(s.Nodes.Provider == "local", "nodes.provider", $"'{s.Nodes.Provider}' is not supported yet (only local)");
        Require(s.Nodes.Count is >= 1 and <= 9, "nodes.count", "must be 1..9");
        Require(s.Workload.Name == "register", "workload.name", $"'{s.Workload.Name}' is not supported (only register)");
        Require(s.Workload.Keys >= 1, "workload.keys", "must be at least 1");
        Require(s.Workload.Values >= 1, "workload.values", "must be at least 1");
        Require(s.Workload.ReadWeight >= 0 && s.Workload.WriteWeight >= 0 && s.Workload.CasWeight >= 0, "workload.readWeight", "weights must not be negative");
        Require(s.Workload.ReadWeight + s.Workload.WriteWeight + s.Workload.CasWeight > 0, "workload.readWeight", "at least one weight must be positive");
        Require(s.Client.Mode is "correct" or "stale-reads", "client.mode", $"'{s.Client.Mode}' is not a mode (correct, stale-reads)");
        Require(s.Client.OpTimeout > 0, "client.opTimeout", "must be positive");
        Require(s.Client.SessionTimeout > 0, "client.sessionTimeout", "must be positive");
        Require(s.Client.ConnectTimeout > 0, "client.connectTimeout", "must be positive");
        Require(s.Client.StaleReadProbability is >= 0 and <= 1, "client.staleReadProbability", "must be 0..1");
        Require(s.Concurrency is >= 1 and <= 1000, "concurrency", "must be 1..1000");
        Require(s.Rate >= 0, "rate", "must not be negative (0: unlimited)");
        Require(s.TimeLimit > 0, "timeLimit", "must be positive");
        foreach (var f in s.Nemesis.Faults)
            Require(Nemesis.NemesisFaults.Names.Contains(f), "nemesis.faults", $"unknown fault '{f}' (known: {string.Join(", ", Nemesis.NemesisFaults.Names)})");
        Require(s.Nemesis.Interval > 0, "nemesis.interval", "must be positive");
        Require(s.Nemesis.Duration > 0 && s.Nemesis.Duration <= s.Nemesis.Interval, "nemesis.duration", "must be positive and at most nemesis.interval");
        Require(s.Nemesis.InitialDelay >= 0, "nemesis.initialDelay", "must not be negative");
        Require(s.Nemesis.PartitionMode is "drop" or "blackhole", "nemesis.partitionMode", $"'{s.Nemesis.PartitionMode}' is not a mode (drop, blackhole)");
        Require(s.Nemesis.SlowDelayMs >= 0 && s.Nemesis.SlowJitterMs >= 0, "nemesis.slowDelayMs", "must not be negative");
        Require(s.Recovery.Budget > 0, "recovery.budget", "must be positive");
        Require(s.Recovery.Stall > 0, "recovery.stall", "must be positive");
        Require(s.Recovery.FinalReads >= 0, "recovery.finalReads", "must not be negative");
        Require(s.Checker.Model == "cas-register", "checker.model", "the register workload needs cas-register");
        Require(s.Checker.Timeout > 0, "checker.timeout", "must be positive");
    }

    static void Require(bool ok, string field, string problem)
    {
        if (!ok) throw new SpecException($"field '{field}' {problem}");
    }
}
