using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Runner.Clients;
using Checker.Runner.Db;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.ZooKeeper;

namespace Checker.Runner.Running;

/// <summary>Where a run writes and how it reports.</summary>
/// <param name="Progress">Where the live progress line goes (null: nowhere).</param>
public sealed record RunOptions(string ResultsRoot = "results", int? Seed = null, TextWriter? Progress = null, bool ProgressIsTerminal = false);

/// <summary>A finished run: its folder, the checks' results and the combined verdict.</summary>
public sealed record RunOutcome(RunFolder Folder, Verdict Verdict, IReadOnlyList<CheckResult> Checks, bool Interrupted);

/// <summary>
/// Runs one test: nodes and network up, database set up, workers and nemesis for the time limit, a
/// final heal, a wait for recovery, final reads, teardown, then the checks. Whatever happens (failure,
/// Ctrl-C), everything started is stopped and the history recorded so far is kept and checked.
/// </summary>
public static class TestRunner
{
    public static async Task<RunOutcome> RunAsync(TestSpec spec, RunOptions options, CancellationToken cancel)
    {
        var folder = RunFolder.Create(options.ResultsRoot, spec.Name);
        await File.WriteAllTextAsync(folder.Spec, SpecLoader.ToJson(spec), CancellationToken.None);
        var seed = options.Seed ?? Random.Shared.Next();
        var random = new Random(seed);
        using var logFile = new StreamWriter(folder.Log) { AutoFlush = true };
        var logGate = new object();
        var clock = Stopwatch.StartNew();
        void Log(string line) { lock (logGate) logFile.WriteLine($"{clock.Elapsed.TotalSeconds,8:0.000} {line}"); }
        Log($"run {folder.RunId}, seed {seed}, results in {folder.Dir}");

        var nodesRoot = Path.Combine(Path.GetTempPath(), $"checker-{folder.RunId}");
        var registry = new RunRegistry(RunRegistry.DefaultDirectory, folder.RunId, folder.Dir, nodesRoot);
        var install = ZooKeeperInstall.Find(spec.Db.Install, Path.Combine(nodesRoot, "install"), Log);
        Log($"zookeeper: {install.Source}");

        using var history = HistoryRecorder.ToFile(folder.History);
        var provider = LocalNodeProvider.Create(spec.Nodes.Count, nodesRoot, registry.Add);
        string PeerAddress(Node from, Node to) => $"127.{provider.Subnet}.{from.Id}.{to.Id}";
        ProxyNetwork? network = null;
        ZooKeeperDb? db = null;
        var interrupted = false;
        var extra = new Dictionary<string, object?> { ["seed"] = seed, ["zookeeper"] = install.Source };
        try
        {
            network = ProxyNetwork.Start(provider.Nodes, ZooKeeperDb.PeerPorts, PeerAddress,
                (port, from, to) => ZooKeeperDb.HandshakeFor(port, from, to, PeerAddress));
            db = new ZooKeeperDb(spec.Db, install, provider, network, folder.RunId, Log);
            var setupClock = Stopwatch.StartNew();
            await db.SetupAsync(cancel);
            extra["secondsToQuorum"] = Math.Round(setupClock.Elapsed.TotalSeconds, 3);
            Log($"zookeeper: quorum after {setupClock.Elapsed.TotalSeconds:0.00}s on {string.Join(", ", provider.Nodes.Select(n => n.Address))}");
            interrupted = await DriveAsync(spec, folder, db, network, provider, history, random, seed, options, Log, extra, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            interrupted = true;
            Log("interrupted during setup");
        }
        finally
        {
            if (db is not null)
            {
                try { await db.CollectLogsAsync(folder.NodeLogs, CancellationToken.None); }
                catch (IOException e) { Log($"could not collect node logs: {e.Message}"); }
                await db.TeardownAsync();
            }
            if (network is not null) await network.DisposeAsync();
            await provider.TeardownAsync();
            registry.Remove();
            Log("teardown done");
        }

        var ops = history.Snapshot();
        Log($"checking {ops.Count} history records");
        var checks = RunChecks.Run(spec, ops, CancellationToken.None);
        var verdict = Verdicts.Combine(checks.Select(c => c.Verdict));
        if (interrupted && verdict == Verdict.Valid) verdict = Verdict.Unknown; // a cut-short run proves less than it claims
        await WriteResultsAsync(folder, spec, verdict, checks, interrupted, extra);
        foreach (var c in checks) Log($"{c.Checker}: {c.Verdict} {c.Summary}");
        return new RunOutcome(folder, verdict, checks, interrupted);
    }

    /// <summary>The test proper; returns true when it was cut short by cancellation.</summary>
    static async Task<bool> DriveAsync(TestSpec spec, RunFolder folder, ZooKeeperDb db, ProxyNetwork network, INodeProvider provider,
        HistoryRecorder history, Random random, int seed, RunOptions options, Action<string> log, Dictionary<string, object?> extra, CancellationToken cancel)
    {
        var endpoints = provider.Nodes.Select(db.ClientEndpoint).ToList();
        var zkOptions = new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(spec.Client.SessionTimeout),
            RequestTimeout = TimeSpan.FromSeconds(spec.Client.OpTimeout),
            ConnectTimeout = TimeSpan.FromSeconds(spec.Client.ConnectTimeout),
        };
        IClientFactory clients = new ZooKeeperRegisters(endpoints, $"/checker/{folder.RunId}", spec.Workload.Keys, spec.Workload.SyncReads, zkOptions);
        if (spec.Client.Mode == "stale-reads") clients = new StaleReadsFactory(clients, spec.Client.StaleReadProbability, seed);
        await clients.PrepareAsync(cancel);

        var generator = new Generator(new GeneratorOptions(spec.Concurrency, spec.Nodes.Count, spec.Rate, TimeSpan.FromSeconds(spec.Client.OpTimeout), seed),
            clients, new RegisterWorkload(spec.Workload), history);
        var nemesis = new Nemesis.Nemesis(spec.Nemesis, provider.Nodes, db, network, history, new Random(seed ^ 0x5eed), log);
        var phase = "main";
        using var progress = options.Progress is { } w ? new Progress(history, () => $"{phase}: {nemesis.ActiveDescription ?? "no fault"}", w, options.ProgressIsTerminal) : null;

        var interrupted = false;
        using var mainPhase = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        generator.Start(CancellationToken.None);
        var schedule = Nemesis.NemesisSchedule.RunAsync(spec.Nemesis, nemesis, random, mainPhase.Token);
        var started = Stopwatch.StartNew();
        try { await Task.Delay(TimeSpan.FromSeconds(spec.TimeLimit), cancel); }
        catch (OperationCanceledException) { interrupted = true; }
        mainPhase.Cancel();
        await schedule;
        log($"main phase over after {started.Elapsed.TotalSeconds:0.0}s");

        phase = "final heal";
        await nemesis.HealAllAsync(CancellationToken.None);
        var healedAt = history.Now;
        if (!interrupted)
        {
            phase = "recovery";
            interrupted = await WaitForRecoveryAsync(generator, spec, healedAt, history, cancel);
            var recovered = Enumerable.Range(0, spec.Nodes.Count).Count(n => generator.LastOk(n) > healedAt);
            log($"recovery wait: {recovered}/{spec.Nodes.Count} nodes served ok ops {(history.Now - healedAt) / 1e9:0.0}s after the final heal");
        }
        if (!interrupted && spec.Recovery.FinalReads > 0)
        {
            phase = "final reads";
            generator.Phase = Phase.FinalReads;
            try { await Task.Delay(TimeSpan.FromSeconds(spec.Recovery.FinalReads), cancel); }
            catch (OperationCanceledException) { interrupted = true; }
        }
        phase = "stopping";
        await generator.StopAsync();
        var (ok, fail, info) = history.Counts;
        extra["okPerSecond"] = Math.Round(ok / Math.Max(0.001, started.Elapsed.TotalSeconds), 1);
        log($"workers stopped: {ok} ok, {fail} fail, {info} info in {started.Elapsed.TotalSeconds:0.0}s");
        if (interrupted) log("interrupted: the history so far is kept and checked");
        return interrupted;
    }

    /// <summary>Waits until every node has served an ok op since the heal, or the budget is spent; true if cancelled.</summary>
    static async Task<bool> WaitForRecoveryAsync(Generator generator, TestSpec spec, long healedAt, HistoryRecorder history, CancellationToken cancel)
    {
        var deadline = healedAt + (long)(spec.Recovery.Budget * 1e9);
        while (history.Now < deadline)
        {
            if (Enumerable.Range(0, spec.Nodes.Count).All(n => generator.LastOk(n) > healedAt)) return false;
            try { await Task.Delay(100, cancel); }
            catch (OperationCanceledException) { return true; }
        }
        // Past the budget: a little longer, so the history shows the failure to recover beyond doubt.
        try { await Task.Delay(500, cancel); }
        catch (OperationCanceledException) { return true; }
        return false;
    }

    static Task WriteResultsAsync(RunFolder folder, TestSpec spec, Verdict verdict, IReadOnlyList<CheckResult> checks, bool interrupted, Dictionary<string, object?> extra)
    {
        var results = new Dictionary<string, object?>
        {
            ["test"] = spec.Name,
            ["run"] = folder.RunId,
            ["verdict"] = verdict,
            ["interrupted"] = interrupted,
            ["checks"] = ResultsJson.Checks(checks),
        };
        foreach (var (k, v) in extra) results[k] = v;
        return File.WriteAllTextAsync(folder.Results, ResultsJson.Serialize(results));
    }
}
