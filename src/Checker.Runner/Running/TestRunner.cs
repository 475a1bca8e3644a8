using System.Diagnostics;
using System.Globalization;
using Checker.Core.Checks;
using Checker.Runner.Databases;
using Checker.Runner.Faults;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;

namespace Checker.Runner.Running;

/// <summary>Where a run writes and how it reports.</summary>
/// <param name="Progress">Where the live progress line goes (null: nowhere).</param>
/// <param name="RunsDirectory">The runs registry (default: RunRegistry.DefaultDirectory).</param>
/// <param name="Overrides">The command line's field overrides, recorded in results.json for the runs index.</param>
public sealed record RunOptions(
    string ResultsRoot = "results",
    int? Seed = null,
    TextWriter? Progress = null,
    bool ProgressIsTerminal = false,
    string? RunsDirectory = null,
    IReadOnlyDictionary<string, string>? Overrides = null
);

/// <summary>A finished run: its folder, the checks' results and the combined verdict.</summary>
public sealed record RunOutcome(RunFolder Folder, Verdict Verdict, IReadOnlyList<CheckResult> Checks, bool Interrupted);

/// <summary>
/// Runs one test, knowing no database, node kind, network or workload: the suite builds those from the
/// spec. Nodes and network up, database set up, workers and nemesis for the time limit, a final heal, a
/// wait for recovery, the workload's final phase, teardown, then the checks. Whatever happens (failure,
/// Ctrl-C), everything started is stopped, and the history recorded so far is kept, checked, and judged.
/// </summary>
public static class TestRunner
{
    /// <summary>Runs the spec with the suite its db.name names.</summary>
    public static Task<RunOutcome> RunAsync(TestSpec spec, RunOptions options, CancellationToken cancel) =>
        RunAsync(
            spec,
            DatabaseSuites.Find(spec.Db.Name)
                ?? throw new SpecException($"field 'db.name' '{spec.Db.Name}' is not a database Checker can test"),
            options,
            cancel
        );

    public static async Task<RunOutcome> RunAsync(
        TestSpec spec,
        IDatabaseSuite suite,
        RunOptions options,
        CancellationToken cancel
    )
    {
        // Before anything starts: a fault this database, its nodes or network cannot do is refused, naming it.
        var provider = NodeProviders.Of(spec.Nodes);
        SpecValidator.ValidateFaults(spec, Capabilities.Planned(suite, spec.Nodes));
        var folder = RunFolder.Create(options.ResultsRoot, spec.Name);
        await File.WriteAllTextAsync(folder.Spec, SpecLoader.ToJson(spec), CancellationToken.None);
        var seed = options.Seed ?? Random.Shared.Next();
        using var logFile = new StreamWriter(folder.Log) { AutoFlush = true };
        var logGate = new object();
        var clock = Stopwatch.StartNew();
        // Wall-clock time and seconds since the start on every line, to line the log up with node logs and the history.
        void Log(string line)
        {
            lock (logGate)
                logFile.WriteLine(
                    $"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)} "
                        + $"{clock.Elapsed.TotalSeconds, 8:0.000} {line}"
                );
        }
        Log($"run {folder.RunId}, seed {seed}, results in {folder.Dir}");

        // Each node's folder holds the run's name (and so the test's) and the node's: hosts sharing a filesystem never
        // clash.
        var nodesRoot = provider.NodesRoot(folder.RunId);
        var registry = new RunRegistry(
            options.RunsDirectory ?? RunRegistry.DefaultDirectory,
            folder.RunId,
            folder.Dir,
            nodesRoot,
            spec.Nodes.Provider,
            provider.Reach(spec.Nodes)
        );
        var run = new RunContext(folder.RunId, nodesRoot, seed, Log);
        using var history = HistoryRecorder.ToFile(
            folder.History,
            Enumerable.Range(1, spec.Nodes.Count).Select(k => $"n{k}").ToList()
        );
        var extra = new Dictionary<string, object?>
        {
            ["seed"] = seed,
            ["db"] = suite.Name,
            ["nodes"] = spec.Nodes.Provider,
            [RunConditions.Field] = RunConditions.AtStart(spec),
            ["start"] = history.StartedAt.UtcDateTime.ToString(
                "yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
                CultureInfo.InvariantCulture
            ),
        };
        if (options.Overrides is { Count: > 0 } overrides)
            extra["overrides"] = overrides;
        INodeProvider? nodes = null;
        INetwork? network = null;
        DbPlan? plan = null;
        var interrupted = false;
        var started = false; // the database is being set up: from here on a failure is a run that failed, not a refusal
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        try
        {
            nodes = await provider.CreateAsync(spec.Nodes, new NodeContext(nodesRoot, registry.Add, line =>
                {
                    Log(line);
                    options.Progress?.WriteLine($"checker: {line}"); // an image build takes minutes: the user sees why
                }), cancel);
            network = await nodes.StartNetworkAsync(NetworkOptions.Of(spec), suite.PeerPorts, cancel);
            extra["network"] = network.Kind;
            if (nodes is INodeClocks clocks)
                extra["clockOffsetsMs"] = await ClockOffsetsAsync(nodes.Nodes, clocks, Log, cancel);
            // Now that the network has probed the nodes' kernels: "default" becomes the default faults it can do, and a
            // fault named by itself that it cannot do is refused before the database starts.
            ResolveDefaultFaults(spec, suite, nodes, network, folder, Log);
            SpecValidator.ValidateFaults(spec, Capabilities.Of(suite, nodes, network));
            Log(
                $"{nodes.Kind} nodes {string.Join(", ", nodes.Nodes.Select(n => $"{n.Name}={n.Address}"))}; "
                    + $"{network.Kind} network"
            );
            plan = suite.Plan(spec, nodes, network, run);
            started = true;
            var setupClock = Stopwatch.StartNew();
            await plan.Db.SetupAsync(cancel);
            extra["secondsToServing"] = Math.Round(setupClock.Elapsed.TotalSeconds, 3);
            Log($"{suite.Name}: serving after {setupClock.Elapsed.TotalSeconds:0.00}s");
            if (plan.Db is IVersionedDb versioned)
            {
                // The build each node runs, as the server itself says: a candidate's file name can lie.
                var versions = await versioned.VersionsAsync(cancel);
                extra["versions"] = versions;
                Log($"versions: {string.Join(", ", versions.Select(v => $"{v.Key}={v.Value ?? "no answer"}"))}");
            }
            interrupted = await DriveAsync(spec, plan, nodes, network, history, seed, options, Log, extra, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            interrupted = true;
            Log("interrupted during setup");
        }
        catch (Exception e)
        {
            failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            extra["error"] = e.Message;
            Log($"the run failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await TeardownAsync(plan?.Db, network, nodes, folder, Log);
            registry.Remove();
        }
        if (!started && failure?.SourceException is SpecException)
        {
            // Refused before anything of the test ran: the message is all there is to keep.
            history.Dispose();
            logFile.Dispose();
            folder.Discard();
            failure.Throw();
        }
        RunConditions.AtEnd(extra, nodes?.Kind, network?.Kind);

        var ops = history.Snapshot();
        Log($"checking {ops.Count} history records");
        var checks = RunChecks.Run(
            spec,
            plan?.Workload,
            plan?.Explain,
            ops,
            CancellationToken.None,
            cutShort: interrupted || failure is not null,
            elections: ElectionsFromLogs(plan?.Db, folder, history.StartedAt, extra, Log)
        );
        var verdict = Verdicts.Combine(checks.Select(c => c.Verdict));
        // A cut-short run proves less than it claims: it is never valid, and not judging is not enough either.
        if ((interrupted || failure is not null) && verdict is Verdict.Valid or Verdict.NotJudged)
            verdict = Verdict.Unknown;
        await WriteResultsAsync(folder, spec, verdict, checks, interrupted, extra);
        foreach (var c in checks)
            Log($"{c.Checker}: {c.Verdict} {c.Summary}");
        if (failure is not null)
        {
            // The results are written; the caller still learns why the run could not finish, and where it wrote.
            failure.SourceException.Data[FolderKey] = folder.Dir;
            failure.Throw();
        }
        return new RunOutcome(folder, verdict, checks, interrupted);
    }

    /// <summary>
    /// The leader elections in the collected node logs, for the recovery check, on the runner's clock: a node
    /// with a clock of its own has its measured offset taken off. Null when the database has no such logs, they
    /// cannot be read, or a node's clock offset is too uncertain to place an election against the history.
    /// </summary>
    static IReadOnlyList<LeaderElection>? ElectionsFromLogs(
        IDb? db,
        RunFolder folder,
        DateTimeOffset origin,
        Dictionary<string, object?> extra,
        Action<string> log
    )
    {
        if (db is not IElectionLogDb logs)
            return null;
        try
        {
            var elections = logs.ElectionsFromLogs(folder.NodeLogs, origin);
            if (extra.GetValueOrDefault("clockOffsetsMs") is Dictionary<string, object?> offsets)
            {
                double Ms(string node, string field) =>
                    offsets.GetValueOrDefault(node) is Dictionary<string, object?> o
                    && o.GetValueOrDefault(field) is double v
                        ? v
                        : 0;
                if (offsets.Keys.FirstOrDefault(n => Ms(n, "error") > 100) is { } vague)
                {
                    log(
                        $"node logs: {vague}'s clock offset is known only to ±{Ms(vague, "error"):0} ms: "
                            + "its elections cannot be placed against the history, so none are used"
                    );
                    return null;
                }
                // The offset is the node's clock minus the runner's.
                long Shift(string node, long t) => t - (long)(Ms(node, "offset") * 1e6);
                elections = elections
                    .Select(e =>
                        e with
                        {
                            LostAt = Shift(e.Node, e.LostAt),
                            ElectedAt = e.ElectedAt is { } at ? Shift(e.Node, at) : null,
                        }
                    )
                    .ToList();
            }
            log($"node logs: {elections.Count} spans without a leader");
            return elections;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log($"node logs: could not read the leader elections: {e.Message}");
            return null;
        }
    }

    const string FolderKey = "Checker.RunFolder";

    /// <summary>The run folder a failed run wrote (its log and results), or null when it wrote none.</summary>
    public static string? FolderOf(Exception e) => e.Data[FolderKey] as string;

    /// <summary>
    /// Replaces "default" in the spec's faults with the default faults this database, nodes and network can do,
    /// logs each one left out and why, and rewrites the run's spec.json with the faults that will be drawn.
    /// </summary>
    static void ResolveDefaultFaults(
        TestSpec spec,
        IDatabaseSuite suite,
        INodeProvider nodes,
        INetwork network,
        RunFolder folder,
        Action<string> log
    )
    {
        if (!spec.Nemesis.Faults.Contains(FaultTable.Default))
            return;
        var mode = spec.Nemesis.PartitionMode == "drop" ? PartitionMode.Drop : PartitionMode.Blackhole;
        var (faults, leftOut) = FaultTable.ResolveDefaults(
            spec.Nemesis.Faults,
            Capabilities.Of(suite, nodes, network),
            mode
        );
        foreach (var why in leftOut)
            log($"left out of the default faults: {why}");
        spec.Nemesis.Faults = faults;
        File.WriteAllText(folder.Spec, SpecLoader.ToJson(spec));
    }

    /// <summary>Each node's clock offset from the runner's, in ms with its error (no clock is ever changed).</summary>
    static async Task<Dictionary<string, object?>> ClockOffsetsAsync(
        IReadOnlyList<Node> nodes,
        INodeClocks clocks,
        Action<string> log,
        CancellationToken ct
    )
    {
        var offsets = new Dictionary<string, object?>();
        foreach (var n in nodes)
        {
            var (offset, error) = await clocks.ClockOffsetAsync(n, ct);
            offsets[n.Name] = new Dictionary<string, object?>
            {
                ["offset"] = Math.Round(offset.TotalMilliseconds, 1),
                ["error"] = Math.Round(error.TotalMilliseconds, 1),
            };
            log(
                $"{n.Name}: clock {offset.TotalMilliseconds:+0.0;-0.0} ms from the runner's (± "
                    + $"{error.TotalMilliseconds:0.0} ms)"
            );
        }
        return offsets;
    }

    /// <summary>Logs, then the database, the network and the nodes, each step guarded so a failing one never strands
    /// the next.</summary>
    static async Task TeardownAsync(
        IDb? db,
        INetwork? network,
        INodeProvider? nodes,
        RunFolder folder,
        Action<string> log
    )
    {
        async Task Step(string what, Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                log($"teardown: {what} failed: {e.Message}");
            }
        }
        if (db is ILogCollectingDb logs)
            await Step("collecting node logs", () => logs.CollectLogsAsync(folder.NodeLogs, CancellationToken.None));
        if (db is not null)
            await Step("stopping the database", db.TeardownAsync);
        if (network is not null)
            await Step("removing the network", () => network.DisposeAsync().AsTask());
        if (nodes is not null)
            await Step("removing the nodes", nodes.TeardownAsync);
        log("teardown done");
    }

    /// <summary>The test proper; returns true when it was cut short by cancellation.</summary>
    static async Task<bool> DriveAsync(
        TestSpec spec,
        DbPlan plan,
        INodeProvider nodes,
        INetwork network,
        HistoryRecorder history,
        int seed,
        RunOptions options,
        Action<string> log,
        Dictionary<string, object?> extra,
        CancellationToken cancel
    )
    {
        var clients = plan.Clients;
        await clients.PrepareAsync(cancel);

        var generator = new Generator(
            new GeneratorOptions(
                spec.Concurrency,
                nodes.Nodes.Count,
                spec.Rate,
                TimeSpan.FromSeconds(spec.Client.OpTimeout),
                seed,
                nodes.Nodes.Select(n => n.Name).ToList()
            ),
            clients,
            plan.Workload,
            history
        );
        var nemesis = new Nemesis(
            spec.Nemesis,
            nodes.Nodes,
            new FaultTargets(plan.Db, nodes, network),
            history,
            new Random(seed ^ 0x5eed),
            log
        );
        var phase = "main";
        using var progress = options.Progress is { } w
            ? new Progress(
                history,
                () => $"{phase}: {nemesis.ActiveDescription ?? "no fault"}",
                w,
                options.ProgressIsTerminal
            )
            : null;

        var interrupted = false;
        using var mainPhase = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // Evidence while a stall lasts: thread dumps, where the database can give them without stopping.
        await using var stallWatch =
            plan.Db is IThreadDumpingDb dumping && plan.Workload.Descriptor.Writes is { } isWrite
                ? new StallWatch(
                    history,
                    isWrite,
                    TimeSpan.FromSeconds(spec.Recovery.Stall),
                    dumping.DumpThreadsAsync,
                    log
                )
                : null;
        generator.Start(CancellationToken.None);
        var schedule = NemesisSchedule.RunAsync(spec.Nemesis, nemesis, new Random(seed), mainPhase.Token);
        var started = Stopwatch.StartNew();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(spec.TimeLimit), cancel);
        }
        catch (OperationCanceledException)
        {
            interrupted = true;
        }
        mainPhase.Cancel();
        await schedule;
        log($"main phase over after {started.Elapsed.TotalSeconds:0.0}s");

        phase = "final heal";
        await nemesis.HealAllAsync(CancellationToken.None);
        var healedAt = history.Now;
        if (!interrupted)
        {
            phase = "recovery";
            interrupted = await WaitForRecoveryAsync(generator, spec, nodes.Nodes.Count, healedAt, history, cancel);
            var recovered = Enumerable.Range(0, nodes.Nodes.Count).Count(n => generator.LastOk(n) > healedAt);
            log(
                $"recovery wait: {recovered}/{nodes.Nodes.Count} nodes served ok ops "
                    + $"{(history.Now - healedAt) / 1e9:0.0}s after the final heal"
            );
        }
        if (!interrupted && spec.Recovery.FinalReads > 0)
        {
            phase = "final phase";
            generator.Phase = Phase.Final;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(spec.Recovery.FinalReads), cancel);
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
            }
        }
        phase = "stopping";
        await generator.StopAsync();
        if (stallWatch is not null)
        {
            await stallWatch.DisposeAsync();
            if (stallWatch.Evidence.Count > 0)
                extra["threadDumps"] = stallWatch.Evidence;
        }
        var (ok, fail, info) = history.Counts;
        extra["okPerSecond"] = Math.Round(ok / Math.Max(0.001, started.Elapsed.TotalSeconds), 1);
        log($"workers stopped: {ok} ok, {fail} fail, {info} info in {started.Elapsed.TotalSeconds:0.0}s");
        if (interrupted)
            log("interrupted: the history so far is kept and checked");
        return interrupted;
    }

    /// <summary>Waits until every node has served an ok op since the heal, or the budget is spent; true if
    /// cancelled.</summary>
    static async Task<bool> WaitForRecoveryAsync(
        Generator generator,
        TestSpec spec,
        int nodeCount,
        long healedAt,
        HistoryRecorder history,
        CancellationToken cancel
    )
    {
        var deadline = healedAt + (long)(spec.Recovery.Budget * 1e9);
        while (history.Now < deadline)
        {
            if (Enumerable.Range(0, nodeCount).All(n => generator.LastOk(n) > healedAt))
                return false;
            try
            {
                await Task.Delay(100, cancel);
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }
        // Past the budget: a little longer, so the history shows the failure to recover beyond doubt.
        try
        {
            await Task.Delay(500, cancel);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        return false;
    }

    static Task WriteResultsAsync(
        RunFolder folder,
        TestSpec spec,
        Verdict verdict,
        IReadOnlyList<CheckResult> checks,
        bool interrupted,
        Dictionary<string, object?> extra
    )
    {
        var results = new Dictionary<string, object?>
        {
            ["test"] = spec.Name,
            ["run"] = folder.RunId,
            ["verdict"] = verdict,
            ["interrupted"] = interrupted,
            ["checks"] = ResultsJson.Checks(checks),
        };
        foreach (var (k, v) in extra)
            results[k] = v;
        return File.WriteAllTextAsync(folder.Results, ResultsJson.Serialize(results));
    }
}
