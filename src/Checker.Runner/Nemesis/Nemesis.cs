using Checker.Core.History;
using Checker.Runner.Db;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;

namespace Checker.Runner.Nemesis;

/// <summary>
/// Injects one fault at a time and records each action in the history as process "nemesis":
/// invoke then info of start-KIND / stop-KIND, the info's value describing what was done; "heal" ends all.
/// </summary>
public sealed class Nemesis(NemesisSpec spec, IReadOnlyList<Node> nodes, IDb db, ProxyNetwork network, HistoryRecorder history, Random random, Action<string> log)
{
    readonly HashSet<Node> killed = [];
    readonly HashSet<Node> paused = [];
    (string Name, string Kind)? active;

    /// <summary>The fault now in effect and what it hit, for the progress line; null when healthy.</summary>
    public string? ActiveDescription { get; private set; }

    IReadOnlyList<string> Names => nodes.Select(n => n.Name).ToList();

    /// <summary>Starts the named fault (see NemesisFaults); a fault already active is stopped first.</summary>
    public async Task StartAsync(string fault, CancellationToken ct)
    {
        if (active is not null) await StopAsync(ct);
        var kind = NemesisFaults.Kinds[fault];
        history.Record(Op.NemesisProcess, OpType.Invoke, $"start-{kind}", fault);
        var value = await ApplyAsync(fault, ct);
        history.Record(Op.NemesisProcess, OpType.Info, $"start-{kind}", value);
        active = (fault, kind);
        ActiveDescription = $"{fault} {Core.History.Values.Format(value)}";
        log($"nemesis: {ActiveDescription}");
    }

    async Task<object?> ApplyAsync(string fault, CancellationToken ct)
    {
        var partitionFault = spec.PartitionMode == "drop" ? LinkFault.Drop : LinkFault.Blackhole;
        switch (fault)
        {
            case "partition-random-halves": return Partition(Partitions.RandomHalves(Names, random), partitionFault);
            case "partition-isolate-one": return Partition(Partitions.Isolate(Names, Pick().Name), partitionFault);
            case "partition-isolate-leader": return Partition(Partitions.Isolate(Names, (await LeaderOrRandomAsync(ct)).Name), partitionFault);
            case "partition-majorities-ring":
                var ring = Partitions.MajoritiesRing(Names, random);
                return Partition(ring.IsEmpty ? Partitions.Bridge(Names, random) : ring, partitionFault); // three nodes: a bridge is the nearest shape
            case "partition-bridge": return Partition(Partitions.Bridge(Names, random), partitionFault);
            case "partition-one-way": return Partition(Partitions.OneWay(Names, random), LinkFault.Blackhole);
            case "kill-random": return await KillAsync([Pick()], ct);
            case "kill-leader": return await KillAsync([await LeaderOrRandomAsync(ct)], ct);
            case "kill-majority": return await KillAsync(nodes.OrderBy(_ => random.Next()).Take(nodes.Count / 2 + 1).ToList(), ct);
            case "pause-random": return await PauseAsync(Pick(), ct);
            case "pause-leader": return await PauseAsync(await LeaderOrRandomAsync(ct), ct);
            case "slow":
                network.SetAll(LinkFault.Delay(spec.SlowDelayMs, spec.SlowJitterMs));
                return new Dictionary<object, object?> { ["delay-ms"] = (long)spec.SlowDelayMs, ["jitter-ms"] = (long)spec.SlowJitterMs };
            default: throw new ArgumentException($"unknown fault {fault}");
        }
    }

    object? Partition(Grudge grudge, LinkFault fault)
    {
        network.Partition(grudge, fault);
        return grudge.ToValue();
    }

    async Task<object?> KillAsync(IReadOnlyList<Node> victims, CancellationToken ct)
    {
        var killable = db as IKillableDb ?? throw new InvalidOperationException("this database cannot be killed");
        foreach (var n in victims)
        {
            await killable.KillAsync(n, ct);
            killed.Add(n);
        }
        return victims.Select(n => (object?)n.Name).ToList();
    }

    async Task<object?> PauseAsync(Node victim, CancellationToken ct)
    {
        var pausable = db as IPausableDb ?? throw new InvalidOperationException("this database cannot be paused");
        await pausable.PauseAsync(victim, ct);
        paused.Add(victim);
        return new List<object?> { victim.Name };
    }

    /// <summary>Ends the active fault: heals the network, restarts what was killed, resumes what was paused.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (active is not { } a) return;
        history.Record(Op.NemesisProcess, OpType.Invoke, $"stop-{a.Kind}", a.Name);
        var undone = await UndoAsync(restartKilled: !spec.LeaveKilled, ct);
        history.Record(Op.NemesisProcess, OpType.Info, $"stop-{a.Kind}", undone);
        active = null;
        ActiveDescription = null;
        log($"nemesis: stopped {a.Name}");
    }

    /// <summary>The final heal: network whole, every node resumed and (unless the spec leaves them killed) running.</summary>
    public async Task HealAllAsync(CancellationToken ct)
    {
        history.Record(Op.NemesisProcess, OpType.Invoke, "heal", null);
        var undone = await UndoAsync(restartKilled: !spec.LeaveKilled, ct);
        history.Record(Op.NemesisProcess, OpType.Info, "heal", undone);
        active = null;
        ActiveDescription = null;
        log($"nemesis: final heal {Core.History.Values.Format(undone)}");
    }

    async Task<object?> UndoAsync(bool restartKilled, CancellationToken ct)
    {
        network.Heal();
        var resumed = paused.Select(n => (object?)n.Name).ToList();
        foreach (var n in paused) await ((IPausableDb)db).ResumeAsync(n, ct);
        paused.Clear();
        var restarted = new List<object?>();
        if (restartKilled)
        {
            foreach (var n in killed)
            {
                await ((IKillableDb)db).RestartAsync(n, ct);
                restarted.Add(n.Name);
            }
            killed.Clear();
        }
        var result = new Dictionary<object, object?> { ["network"] = "healed", ["resumed"] = resumed, ["restarted"] = restarted };
        if (killed.Count > 0) result["left-killed"] = killed.Select(n => (object?)n.Name).ToList();
        return result;
    }

    Node Pick() => nodes[random.Next(nodes.Count)];

    async Task<Node> LeaderOrRandomAsync(CancellationToken ct) =>
        (db is IPrimaryDb p ? await p.FindPrimaryAsync(ct) : null) ?? Pick();
}
