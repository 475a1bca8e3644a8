using Checker.Core.History;
using Checker.Runner.Databases;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;

namespace Checker.Runner.Faults;

/// <summary>
/// Injects one fault at a time (see FaultTable) and records each action in the history as process
/// "nemesis": invoke then info of start-KIND / stop-KIND, the info's value describing what was done;
/// "heal" ends all. The actions below are what the table's rows are made of.
/// </summary>
/// <remarks>What each fault acts on it asks of its targets (FaultTargets), by the interface that gives it.</remarks>
internal sealed class Nemesis(
    NemesisSpec spec,
    IReadOnlyList<Node> nodes,
    FaultTargets targets,
    HistoryRecorder history,
    Random random,
    Action<string> log
)
{
    readonly INetwork network = targets.Network;
    readonly HashSet<Node> killed = [];
    readonly HashSet<Node> paused = [];
    readonly HashSet<Node> frozen = [];
    Fault? active;

    /// <summary>The fault now in effect and what it hit, for the progress line; null when healthy.</summary>
    public string? ActiveDescription { get; private set; }

    public IReadOnlyList<string> Names { get; } = nodes.Select(n => n.Name).ToList();
    public Random Random => random;
    public PartitionMode Mode => spec.PartitionMode == "drop" ? PartitionMode.Drop : PartitionMode.Blackhole;

    /// <summary>Starts the named fault; a fault already active is stopped first.</summary>
    public async Task StartAsync(string name, CancellationToken ct)
    {
        if (active is not null)
            await StopAsync(ct);
        var fault = FaultTable.Find(name) ?? throw new ArgumentException($"unknown fault {name}");
        history.Record(Op.NemesisProcess, OpType.Invoke, $"start-{fault.Kind}", name);
        var value = await fault.Apply(this, ct);
        history.Record(Op.NemesisProcess, OpType.Info, $"start-{fault.Kind}", value);
        active = fault;
        ActiveDescription = $"{name} {Values.Format(value)}";
        log($"nemesis: {ActiveDescription}");
    }

    /// <summary>Ends the active fault: heals the network, restarts what was killed, resumes what was paused.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (active is not { } a)
            return;
        history.Record(Op.NemesisProcess, OpType.Invoke, $"stop-{a.Kind}", a.Name);
        var undone = await UndoAsync(ct);
        history.Record(Op.NemesisProcess, OpType.Info, $"stop-{a.Kind}", undone);
        active = null;
        ActiveDescription = null;
        log($"nemesis: stopped {a.Name}");
    }

    /// <summary>The final heal: network whole, every node resumed and (unless the spec leaves them killed)
    /// running.</summary>
    public async Task HealAllAsync(CancellationToken ct)
    {
        history.Record(Op.NemesisProcess, OpType.Invoke, "heal", null);
        var undone = await UndoAsync(ct);
        history.Record(Op.NemesisProcess, OpType.Info, "heal", undone);
        active = null;
        ActiveDescription = null;
        log($"nemesis: final heal {Values.Format(undone)}");
    }

    async Task<object?> UndoAsync(CancellationToken ct)
    {
        await network.HealAsync(ct);
        var resumed = paused.Concat(frozen).Select(n => (object?)n.Name).ToList();
        foreach (var n in frozen)
            await targets.Freezer.ThawAsync(n, ct);
        frozen.Clear();
        foreach (var n in paused)
            await targets.Pausable.ResumeAsync(n, ct);
        paused.Clear();
        var restarted = new List<object?>();
        if (!spec.LeaveKilled)
        {
            foreach (var n in killed)
            {
                await targets.Killable.RestartAsync(n, ct);
                restarted.Add(n.Name);
            }
            killed.Clear();
        }
        var result = new Dictionary<object, object?>
        {
            ["network"] = "healed",
            ["resumed"] = resumed,
            ["restarted"] = restarted,
        };
        if (killed.Count > 0)
            result["left-killed"] = killed.Select(n => (object?)n.Name).ToList();
        return result;
    }

    // The actions the fault table is made of.

    public Node Pick() => nodes[random.Next(nodes.Count)];

    public IReadOnlyList<Node> Majority() => nodes.OrderBy(_ => random.Next()).Take(nodes.Count / 2 + 1).ToList();

    /// <summary>The node that claims leadership; a random one when none answers (a fault must still happen).</summary>
    public async Task<Node> PrimaryAsync(CancellationToken ct) => await targets.Primary.FindPrimaryAsync(ct) ?? Pick();

    public async Task<object?> PartitionAsync(Grudge grudge, PartitionMode mode, CancellationToken ct)
    {
        await network.PartitionAsync(grudge, mode, ct);
        return grudge.ToValue();
    }

    public async Task<object?> KillAsync(IReadOnlyList<Node> victims, CancellationToken ct)
    {
        foreach (var n in victims)
        {
            await targets.Killable.KillAsync(n, ct);
            killed.Add(n);
        }
        return victims.Select(n => (object?)n.Name).ToList();
    }

    public async Task<object?> PauseAsync(Node victim, CancellationToken ct)
    {
        await targets.Pausable.PauseAsync(victim, ct);
        paused.Add(victim);
        return new List<object?> { victim.Name };
    }

    public async Task<object?> FreezeAsync(Node victim, CancellationToken ct)
    {
        await targets.Freezer.FreezeAsync(victim, ct);
        frozen.Add(victim);
        return new List<object?> { victim.Name };
    }

    public async Task<object?> CrashAsync(Node victim, CancellationToken ct)
    {
        var grudge = Partitions.Isolate(Names, victim.Name);
        await network.PartitionAsync(grudge, PartitionMode.Blackhole, ct);
        await targets.Killable.KillAsync(victim, ct);
        killed.Add(victim);
        return new Dictionary<object, object?> { ["crashed"] = victim.Name, ["partition"] = grudge.ToValue() };
    }

    public async Task<object?> SlowAsync(CancellationToken ct)
    {
        await network.SlowAsync(
            TimeSpan.FromMilliseconds(spec.SlowDelayMs),
            TimeSpan.FromMilliseconds(spec.SlowJitterMs),
            ct
        );
        return new Dictionary<object, object?>
        {
            ["delay-ms"] = (long)spec.SlowDelayMs,
            ["jitter-ms"] = (long)spec.SlowJitterMs,
        };
    }

    public async Task<object?> LoseAsync(CancellationToken ct)
    {
        await network.LoseAsync(spec.LossProbability, ct);
        return new Dictionary<object, object?> { ["probability"] = spec.LossProbability };
    }

    /// <summary>
    /// Silences the leader's connections to one follower once each has carried nemesis.stallAfterBytes
    /// (both ways with bothWays); the history names the link, as a one-way grudge of the follower.
    /// </summary>
    public async Task<object?> StallLeaderLinkAsync(bool bothWays, CancellationToken ct)
    {
        var leader = await PrimaryAsync(ct);
        var followers = nodes.Where(n => n != leader).ToList();
        var follower = followers[random.Next(followers.Count)];
        await network.StallAsync(leader.Name, follower.Name, spec.StallAfterBytes, bothWays, ct);
        var grudge = new Grudge().Refuse(follower.Name, leader.Name);
        if (bothWays)
            grudge.Refuse(leader.Name, follower.Name);
        return new Dictionary<object, object?>
        {
            ["leader"] = leader.Name,
            ["follower"] = follower.Name,
            ["after-bytes"] = spec.StallAfterBytes,
            ["both-ways"] = bothWays,
            ["partition"] = grudge.ToValue(),
        };
    }

    public async Task<object?> LimitBandwidthAsync(CancellationToken ct)
    {
        await network.LimitBandwidthAsync(spec.BandwidthKbps * 1000L, ct);
        return new Dictionary<object, object?> { ["kbps"] = (long)spec.BandwidthKbps };
    }
}
