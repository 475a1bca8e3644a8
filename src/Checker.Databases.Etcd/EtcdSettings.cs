using Checker.Runner.Databases;
using Checker.Runner.Workloads;

namespace Checker.Databases.Etcd;

/// <summary>The etcd suite's fields of the spec's db section: raft's timing.</summary>
public sealed class EtcdSettings : ISpecSettings
{
    /// <summary>etcd's --heartbeat-interval: how often the leader tells followers it lives.</summary>
    public int HeartbeatMs { get; set; } = 100;

    /// <summary>etcd's --election-timeout: how long a follower waits for the leader before it stands.</summary>
    public int ElectionMs { get; set; } = 1000;

    /// <summary>
    /// etcd's --pre-vote, on as operators run etcd (and etcd 3.5's default; 3.4 ships it off): a member
    /// asks whether it could win before it raises its term, so a member that rejoins after being cut
    /// off does not unseat a working leader with the term its failed elections raised. False runs
    /// etcd 3.4's default, where each such rejoin costs the cluster an election.
    /// </summary>
    public bool PreVote { get; set; } = true;

    /// <summary>etcd itself refuses to start with an election timeout under 5 heartbeats or over 50 s.</summary>
    public string? Problem() =>
        HeartbeatMs is < 1 or > 10_000 ? "field 'db.heartbeatMs' must be 1..10000"
        : ElectionMs < 5 * HeartbeatMs
            ? "field 'db.electionMs' must be at least 5 times db.heartbeatMs (etcd refuses less)"
        : ElectionMs > 50_000 ? "field 'db.electionMs' must be at most 50000 (etcd refuses more)"
        : null;
}

/// <summary>The register workload as etcd runs it: reads are linearizable unless asked to be serializable.</summary>
internal sealed class EtcdRegisterSettings : RegisterSettings
{
    /// <summary>etcd's serializable reads: any member answers from its own state, which may be stale, as etcd
    /// documents.</summary>
    public bool SerializableReads { get; set; }
}
