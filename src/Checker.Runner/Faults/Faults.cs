using Checker.Runner.Databases;
using Checker.Runner.Net;

namespace Checker.Runner.Faults;

/// <summary>What a fault needs of the database (what it can do follows from its interfaces:
/// Capabilities.OfDb).</summary>
[Flags]
public enum DbNeeds
{
    None = 0,
    Kill = 1,
    Pause = 2,
    Primary = 4,
}

/// <summary>What a fault needs of the nodes themselves.</summary>
[Flags]
public enum NodeNeeds
{
    None = 0,
    Freeze = 1,
}

/// <summary>One fault a spec may name.</summary>
/// <param name="Name">The spec's name for it, e.g. "partition-isolate-leader".</param>
/// <param name="Kind">What the history calls it: start-KIND / stop-KIND.</param>
/// <param name="Db">The database capabilities it needs.</param>
/// <param name="Network">The network abilities it needs (a partition needs the ability of the spec's partition
/// mode).</param>
/// <param name="Apply">Starts it and returns what it did, as plain data for the history; Nemesis.Undo ends every
/// fault.</param>
/// <param name="Nodes">What it needs of the nodes (freezing a whole node).</param>
internal sealed record Fault(
    string Name,
    string Kind,
    DbNeeds Db,
    NetworkAbilities Network,
    Func<Nemesis, CancellationToken, Task<object?>> Apply,
    NodeNeeds Nodes = NodeNeeds.None
)
{
    /// <summary>True for faults whose network need follows the spec's partition mode.</summary>
    public bool IsPartition => Kind == "partition" && Network == NetworkAbilities.None;
}

/// <summary>
/// Every fault, described once: its name, its history kind, what it needs, and how it is applied.
/// Undoing is the same for all (Nemesis.UndoAsync): heal the network, resume the paused, restart the
/// killed. The spec validator refuses, before anything starts, a fault the database or network cannot do.
/// </summary>
public static class FaultTable
{
    internal static readonly IReadOnlyList<Fault> All =
    [
        Partition("partition-random-halves", (t, _) => Task.FromResult(Partitions.RandomHalves(t.Names, t.Random))),
        Partition("partition-isolate-one", (t, _) => Task.FromResult(Partitions.Isolate(t.Names, t.Pick().Name))),
        Partition(
            "partition-isolate-leader",
            async (t, ct) => Partitions.Isolate(t.Names, (await t.PrimaryAsync(ct)).Name),
            DbNeeds.Primary
        ),
        // With three nodes every majority ring is whole; a bridge is the nearest shape.
        Partition("partition-majorities-ring", (t, _) =>
            Task.FromResult(
                Partitions.MajoritiesRing(t.Names, t.Random) is { IsEmpty: false } ring
                    ? ring
                    : Partitions.Bridge(t.Names, t.Random)
            )
        ),
        Partition("partition-bridge", (t, _) => Task.FromResult(Partitions.Bridge(t.Names, t.Random))),
        new(
            "partition-one-way",
            "partition",
            DbNeeds.None,
            NetworkAbilities.OneWay | NetworkAbilities.Blackhole,
            async (t, ct) => await t.PartitionAsync(Partitions.OneWay(t.Names, t.Random), PartitionMode.Blackhole, ct)
        ),
        new("kill-random", "kill", DbNeeds.Kill, NetworkAbilities.None, (t, ct) => t.KillAsync([t.Pick()], ct)),
        new("kill-leader", "kill", DbNeeds.Kill | DbNeeds.Primary, NetworkAbilities.None, async (t, ct) =>
            await t.KillAsync([await t.PrimaryAsync(ct)], ct)
        ),
        new("kill-majority", "kill", DbNeeds.Kill, NetworkAbilities.None, (t, ct) => t.KillAsync(t.Majority(), ct)),
        new("pause-random", "pause", DbNeeds.Pause, NetworkAbilities.None, (t, ct) => t.PauseAsync(t.Pick(), ct)),
        new("pause-leader", "pause", DbNeeds.Pause | DbNeeds.Primary, NetworkAbilities.None, async (t, ct) =>
            await t.PauseAsync(await t.PrimaryAsync(ct), ct)
        ),
        // Every process of a node stops at once, the database's and any other (Docker's pause of the container).
        new(
            "pause-container",
            "pause",
            DbNeeds.None,
            NetworkAbilities.None,
            (t, ct) => t.FreezeAsync(t.Pick(), ct),
            NodeNeeds.Freeze
        ),
        // A host that vanishes: every link of the node goes silent, then its processes die; undone by restart and heal.
        new("crash", "crash", DbNeeds.Kill, NetworkAbilities.Blackhole, (t, ct) => t.CrashAsync(t.Pick(), ct)),
        new("slow", "slow", DbNeeds.None, NetworkAbilities.Delay, (t, ct) => t.SlowAsync(ct)),
        new("loss", "loss", DbNeeds.None, NetworkAbilities.Loss, (t, ct) => t.LoseAsync(ct)),
        new("bandwidth", "bandwidth", DbNeeds.None, NetworkAbilities.Bandwidth, (t, ct) => t.LimitBandwidthAsync(ct)),
        // The leader's stream to one follower stops carrying data while both kernels keep it open (ZOOKEEPER-2201's
        // fault).
        new("stall-leader-link", "stall", DbNeeds.Primary, NetworkAbilities.Stall, (t, ct) =>
            t.StallLeaderLinkAsync(bothWays: false, ct)
        ),
        // Half-open: neither side hears the other on that link, so a close by the follower never reaches the leader.
        new("half-open-leader-link", "stall", DbNeeds.Primary, NetworkAbilities.Stall, (t, ct) =>
            t.StallLeaderLinkAsync(bothWays: true, ct)
        ),
    ];

    static readonly Dictionary<string, Fault> ByName = All.ToDictionary(f => f.Name);

    /// <summary>The name that stands, in nemesis.faults, for every fault of DefaultFaults the test can do.</summary>
    public const string Default = "default";

    /// <summary>
    /// The faults "default" may stand for: partitions of every shape, kills and pauses of a random node and of the
    /// leader, and slow links. Only those the database, the nodes and the network can do are drawn; the rest are left
    /// out with a line in the log, so the default test runs on every node kind.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultFaults =
    [
        "partition-random-halves",
        "partition-isolate-one",
        "partition-isolate-leader",
        "partition-majorities-ring",
        "partition-bridge",
        "partition-one-way",
        "kill-random",
        "kill-leader",
        "pause-random",
        "slow",
    ];

    /// <summary>
    /// The faults to draw from: those named, with "default" replaced by the default faults this database, nodes and
    /// network can do (each once); and the default faults left out, each with why. A fault named by itself is kept
    /// as named: the validator refuses it when it cannot run.
    /// </summary>
    public static (List<string> Faults, List<string> LeftOut) ResolveDefaults(
        IReadOnlyList<string> named,
        Capabilities can,
        PartitionMode mode
    )
    {
        var faults = new List<string>();
        var leftOut = new List<string>();
        foreach (var name in named)
        {
            if (name != Default)
            {
                if (!faults.Contains(name))
                    faults.Add(name);
                continue;
            }
            foreach (var candidate in DefaultFaults)
            {
                var why = Unsupported(ByName[candidate], can, mode);
                if (why is not null)
                    leftOut.Add(why);
                else if (!faults.Contains(candidate))
                    faults.Add(candidate);
            }
        }
        return (faults, leftOut);
    }

    public static IEnumerable<string> Names => All.Select(f => f.Name);

    internal static Fault? Find(string name) => ByName.GetValueOrDefault(name);

    static Fault Partition(
        string name,
        Func<Nemesis, CancellationToken, Task<Grudge>> shape,
        DbNeeds needs = DbNeeds.None
    ) =>
        new(name, "partition", needs, NetworkAbilities.None, async (t, ct) =>
            await t.PartitionAsync(await shape(t, ct), t.Mode, ct)
        );

    /// <summary>The network ability a fault needs under the given partition mode.</summary>
    internal static NetworkAbilities NetworkNeeds(Fault f, PartitionMode mode) =>
        f.IsPartition ? (mode == PartitionMode.Drop ? NetworkAbilities.Drop : NetworkAbilities.Blackhole) : f.Network;

    /// <summary>Why the fault cannot run on this database, nodes and network, or null when it can.</summary>
    internal static string? Unsupported(Fault f, Capabilities can, PartitionMode mode)
    {
        if ((f.Nodes & ~can.Nodes) != NodeNeeds.None)
            return $"fault '{f.Name}' needs nodes that can be frozen whole (Docker containers), "
                + $"which {can.NodesKind} nodes are not";
        var missingDb = f.Db & ~can.Db;
        if (missingDb != DbNeeds.None)
            return $"fault '{f.Name}' needs the database to {Describe(missingDb)}, which {can.DbName} cannot here";
        var missingNet = NetworkNeeds(f, mode) & ~can.Network;
        if (missingNet != NetworkAbilities.None)
            return $"fault '{f.Name}' needs the network to {string.Join(" and ", Flags(missingNet).Select(Describe))}, "
                + $"which the {can.NetworkKind} network cannot";
        return null;
    }

    static string Describe(DbNeeds n) =>
        string.Join(
            " and ",
            new[]
            {
                n.HasFlag(DbNeeds.Kill) ? "kill and restart nodes" : null,
                n.HasFlag(DbNeeds.Pause) ? "pause nodes" : null,
                n.HasFlag(DbNeeds.Primary) ? "name a leader" : null,
            }.OfType<string>()
        );

    static IEnumerable<NetworkAbilities> Flags(NetworkAbilities a) =>
        Enum.GetValues<NetworkAbilities>().Where(f => f != 0 && a.HasFlag(f));

    static string Describe(NetworkAbilities a) =>
        a switch
        {
            NetworkAbilities.Drop => "refuse connections (drop)",
            NetworkAbilities.Blackhole => "silently drop packets (blackhole)",
            NetworkAbilities.OneWay => "cut one direction only",
            NetworkAbilities.Delay => "delay packets (tc netem)",
            NetworkAbilities.Loss => "lose packets at random",
            NetworkAbilities.Bandwidth => "limit bandwidth",
            NetworkAbilities.Stall => "stall an established connection while it stays open (iptables connbytes)",
            _ => a.ToString(),
        };
}
