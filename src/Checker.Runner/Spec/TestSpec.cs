using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Runner.Spec;

// A test as written in workloads/*.json. Durations are in seconds. Field names are the JSON names
// (camelCase); `checker run --nemesis.interval 5` overrides one field. Unknown fields are errors.
// The db and workload sections hold a few common fields; the rest of each belongs to the database
// suite named by db.name (its settings, and its settings for the workload), which checks them.

/// <summary>One test: what to run, against what, with which faults, and how to judge it.</summary>
public sealed class TestSpec
{
    public string Name { get; set; } = "test";
    public DbSpec Db { get; set; } = new();
    public NodesSpec Nodes { get; set; } = new();
    public WorkloadSpec Workload { get; set; } = new();
    public ClientSpec Client { get; set; } = new();

    /// <summary>Worker processes driving operations at once.</summary>
    public int Concurrency { get; set; } = 6;

    /// <summary>Target operations per second across all workers; 0 means as fast as possible.</summary>
    public double Rate { get; set; } = 100;

    /// <summary>Length of the main phase (seconds).</summary>
    public double TimeLimit { get; set; } = 60;
    public NemesisSpec Nemesis { get; set; } = new();
    public RecoverySpec Recovery { get; set; } = new();
    public CheckerSpec Checker { get; set; } = new();
}

/// <summary>The database under test: the suite's name, a candidate build, and the suite's own fields.</summary>
public sealed class DbSpec
{
    /// <summary>The database suite: "zookeeper".</summary>
    public string Name { get; set; } = "zookeeper";

    /// <summary>A candidate build to test (a directory, an archive, or candidate:NAME, a ZooKeeper release with a known
    /// bug put back); null: the installed package.</summary>
    public string? Install { get; set; }

    /// <summary>Seconds to wait for the cluster to serve at setup.</summary>
    public double StartTimeout { get; set; } = 60;

    /// <summary>The suite's own fields (for ZooKeeper: tickTimeMs, initLimit, ...), checked by the suite.</summary>
    [JsonExtensionData]
    public IDictionary<string, JToken> Settings { get; set; } = new Dictionary<string, JToken>();
}

/// <summary>
/// Where the nodes come from: the provider's name, how many nodes, and the provider's own fields (for local
/// nodes: isolation; for ssh: hosts, user, privateKey, ...; for docker: image), checked by the provider.
/// </summary>
public sealed class NodesSpec
{
    /// <summary>The node provider (see NodeProviders): "local", "ssh" or "docker".</summary>
    public string Provider { get; set; } = "local";

    /// <summary>How many nodes (a provider may set it from its own fields: ssh makes one per host).</summary>
    public int Count { get; set; } = 3;

    /// <summary>The provider's own fields, checked by the provider.</summary>
    [JsonExtensionData]
    public IDictionary<string, JToken> Settings { get; set; } = new Dictionary<string, JToken>();
}

/// <summary>The operations the clients perform: the workload's name and its fields (checked by the suite that runs
/// it).</summary>
public sealed class WorkloadSpec
{
    /// <summary>"register": read / write / cas over independent keys.</summary>
    public string Name { get; set; } = "register";

    [JsonExtensionData]
    public IDictionary<string, JToken> Settings { get; set; } = new Dictionary<string, JToken>();
}

/// <summary>How each worker talks to its node.</summary>
public sealed class ClientSpec
{
    /// <summary>Seconds before an operation is abandoned and recorded as info.</summary>
    public double OpTimeout { get; set; } = 3;

    /// <summary>Seconds to wait for a connection before the op fails (nothing was sent).</summary>
    public double ConnectTimeout { get; set; } = 2;

    /// <summary>"correct", or the workload's deliberately faulty mode (see ClientModes): stale-reads, lose-adds,
    /// deliver-twice, grant-twice, half-transfers.</summary>
    public string Mode { get; set; } = "correct";

    /// <summary>In stale-reads mode, the share of reads answered from the local copy.</summary>
    public double StaleReadProbability { get; set; } = 0.3;

    /// <summary>In the other faulty modes, the share of operations the client gets wrong.</summary>
    public double FaultProbability { get; set; } = 0.1;
}

/// <summary>The faults and when they happen.</summary>
public sealed class NemesisSpec
{
    /// <summary>
    /// Fault names, drawn at random each interval; empty: no faults. See FaultTable. "default" stands for the
    /// default faults the database, nodes and network can do (FaultTable.DefaultFaults); a fault named by itself
    /// that cannot run is refused.
    /// </summary>
    public List<string> Faults { get; set; } = [Checker.Runner.Faults.FaultTable.Default];

    /// <summary>Seconds from the start of one fault to the start of the next.</summary>
    public double Interval { get; set; } = 15;

    /// <summary>Seconds each fault lasts before it is healed.</summary>
    public double Duration { get; set; } = 5;

    /// <summary>Seconds of calm before the first fault.</summary>
    public double InitialDelay { get; set; } = 5;

    /// <summary>How a partition cuts links: "drop" (refuse and reset) or "blackhole" (silence).</summary>
    public string PartitionMode { get; set; } = "blackhole";

    /// <summary>How the proxy network ends a blackhole: "retransmit" (held data moves at the sender's next TCP
    /// retransmission) or "instant".</summary>
    public string HealMode { get; set; } = "retransmit";

    /// <summary>Added latency and jitter of the slow fault, in milliseconds.</summary>
    public int SlowDelayMs { get; set; } = 50;
    public int SlowJitterMs { get; set; } = 25;

    /// <summary>Share of packets the loss fault drops (0..1).</summary>
    public double LossProbability { get; set; } = 0.2;

    /// <summary>Rate limit of the bandwidth fault, in kilobits per second.</summary>
    public int BandwidthKbps { get; set; } = 512;

    /// <summary>Bytes a connection carries before the stall faults silence it (stall-leader-link,
    /// half-open-leader-link).</summary>
    public long StallAfterBytes { get; set; } = 1 << 20;

    /// <summary>Never restart killed nodes, not even at the final heal: leaves the cluster broken, to test the recovery
    /// checker.</summary>
    public bool LeaveKilled { get; set; }
}

/// <summary>What happens after the faults stop.</summary>
public sealed class RecoverySpec
{
    /// <summary>Seconds of calm time (no fault active, counted across later faults) by which every node must serve
    /// again after a heal.</summary>
    public double Budget { get; set; } = 10;

    /// <summary>Seconds of calm time without a successful operation, once a node has served, that count as a
    /// stall.</summary>
    public double Stall { get; set; } = 5;

    /// <summary>Seconds of final reads on every node once the cluster has recovered.</summary>
    public double FinalReads { get; set; } = 2;
}

/// <summary>How the history is judged (the model follows from the workload).</summary>
public sealed class CheckerSpec
{
    /// <summary>Seconds the linearizability search may take before it answers unknown.</summary>
    public double Timeout { get; set; } = 120;
}
