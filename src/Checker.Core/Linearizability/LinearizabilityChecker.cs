using System.Collections.Concurrent;
using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>How the linearizability checker searches.</summary>
public sealed record LinearizabilityOptions
{
    /// <summary>Past this the verdict is unknown. Null: no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Check each key's operations on their own (P-compositionality: a history is linearizable iff
    /// every key's sub-history is). Off, a key-spanning model checks the history as one object.
    /// </summary>
    public bool SplitByKey { get; init; } = true;

    /// <summary>
    /// Stop searching keys that cannot change the report once one key is found invalid: the keys after it (in
    /// the order they first appear in the history). Those before it are still searched, so the key reported is
    /// the first invalid one, whichever search ends first.
    /// </summary>
    public bool StopAtFirstFailure { get; init; } = true;

    /// <summary>How many keys are searched at once (null: one per core). The report does not depend on it.</summary>
    internal int? Parallelism { get; init; }

    /// <summary>Memory all searches together may hold before answering unknown.</summary>
    public long MemoryBudgetBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The whole process's resident memory past which the searches answer unknown (null: no such bound).
    /// Unlike MemoryBudgetBytes it counts everything the process holds: the history, the searches, garbage.
    /// </summary>
    public long? ProcessMemoryBytes { get; init; }

    /// <summary>
    /// Most time allowed for shrinking a counterexample to a minimal one; zero turns shrinking off (the
    /// counterexample is then the history prefix up to the failed operation). Shrinking is bounded by work
    /// first: 50 times the configurations the search explored (at least 50,000, at most 2,000,000), so it
    /// never dominates the check and gives the same counterexample on any machine; this time is a safety net.
    /// Stopped by either, the report calls the counterexample partly shrunk and says how far shrinking got.
    /// </summary>
    public TimeSpan ShrinkTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How to read Jepsen's [key value] tuples.</summary>
    public TupleKeys Tuples { get; init; } = TupleKeys.Auto;

    /// <summary>The history's name in error messages.</summary>
    public string Source { get; init; } = "history";
}

/// <summary>Decides whether a history is linearizable with respect to a model, and explains why not.</summary>
public sealed class LinearizabilityChecker(Model model, LinearizabilityOptions? options = null) : IChecker
{
    readonly LinearizabilityOptions options = options ?? new LinearizabilityOptions();

    public string Name => "linearizable";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default) =>
        Check(Pairing.Pair(history, options.Source, options.Tuples), cancel);

    /// <summary>Checks already-paired operations; throws HistoryFormatException for ops the model cannot
    /// take.</summary>
    public CheckResult Check(IReadOnlyList<Operation> ops, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        foreach (var o in ops)
            if (model.Problem(o) is { } problem)
                throw new HistoryFormatException(options.Source, o.Invoke.Line, $"op {o.Invoke.Index}: {problem}");

        var parts = Partition(ops);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var parallelism = options.Parallelism ?? Environment.ProcessorCount;
        var perSearch = options.MemoryBudgetBytes / Math.Max(1, Math.Min(parts.Count, parallelism));
        var budget = new Budget(options.Timeout, perSearch, stop.Token, options.ProcessMemoryBytes);
        var outcomes = new ConcurrentDictionary<int, PartOutcome>();
        // Parts are searched largest first, several at once. The report names the first part (in the order of
        // the history) found invalid: once a part fails, the parts after it stop, those before it go on.
        var firstFailed = int.MaxValue;
        var running = new ConcurrentDictionary<int, CancellationTokenSource>();
        Parallel.ForEach(
            Enumerable.Range(0, parts.Count).OrderByDescending(i => parts[i].Ops.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            i =>
            {
                if (stop.IsCancellationRequested || i > Volatile.Read(ref firstFailed))
                    return;
                using var partStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                running[i] = partStop;
                if (i > Volatile.Read(ref firstFailed))
                    partStop.Cancel();
                var outcome = SearchPart(parts[i], budget.With(partStop.Token));
                running.TryRemove(i, out _);
                outcomes[i] = outcome;
                if (outcome.Search.Verdict != Verdict.Invalid || !options.StopAtFirstFailure)
                    return;
                int seen;
                while (i < (seen = Volatile.Read(ref firstFailed)))
                    if (Interlocked.CompareExchange(ref firstFailed, i, seen) == seen)
                        break;
                foreach (var (other, source) in running)
                    if (other > i)
                        try
                        {
                            source.Cancel();
                        }
                        catch (ObjectDisposedException) { } // that search has just ended
            }
        );

        var failedPart = outcomes
            .Where(kv => kv.Value.Search.Verdict == Verdict.Invalid)
            .Select(kv => kv.Key)
            .DefaultIfEmpty(-1)
            .Min();
        var unknown = Enumerable
            .Range(0, parts.Count)
            .Where(i => !outcomes.TryGetValue(i, out var o) || o.Search.Verdict == Verdict.Unknown)
            .ToList();
        var verdict =
            failedPart >= 0 ? Verdict.Invalid
            : unknown.Count > 0 ? Verdict.Unknown
            : Verdict.Valid;
        var cause =
            verdict == Verdict.Unknown
                ? unknown
                    .Select(i =>
                        outcomes.TryGetValue(i, out var o) ? o.Search.Cause
                        : stop.IsCancellationRequested ? "cancelled"
                        : "not searched"
                    )
                    .FirstOrDefault(c => c is not null)
                : null;

        KeyFailure? failure = null;
        if (failedPart >= 0)
        {
            failure = Explain(parts[failedPart].Key, outcomes[failedPart], options.ShrinkTime, cancel);
        }

        var report = new LinearizabilityReport(
            verdict,
            model.Name,
            ops.Count,
            ops.Count(o => o.Crashed),
            parts.Count,
            clock.Elapsed.TotalSeconds,
            // Parts after the failing one may have been stopped anywhere: counted, they would make the figure
            // differ from run to run.
            outcomes.Where(kv => failedPart < 0 || kv.Key <= failedPart).Sum(kv => kv.Value.Configurations),
            cause,
            verdict == Verdict.Invalid ? [] : unknown.Select(i => parts[i].Key).ToList(),
            failure
        )
        {
            Notes = Pairing.CompletionValuesNote(ops) is { } note ? [note] : [],
        };
        return new CheckResult(Name, verdict, Summarize(report), report);
    }

    sealed record Part(object? Key, List<Operation> Ops);

    List<Part> Partition(IReadOnlyList<Operation> ops)
    {
        var keyed = ops.Any(o => o.Key is not null);
        if (!options.SplitByKey || !keyed)
        {
            if (keyed && !model.SpansKeys && ops.Select(o => o.Key).Distinct(Values.Comparer).Skip(1).Any())
                throw new ArgumentException(
                    $"the {model.Name} model holds one object: a history over several keys must be split by key"
                );
            return [new Part(null, ops.Select((o, i) => o.Id == i ? o : o.WithId(i)).ToList())];
        }
        var byKey = new Dictionary<object, Part>(Values.Comparer!);
        var nilKey = new object();
        foreach (var o in ops)
        {
            var k = o.Key ?? nilKey;
            if (!byKey.TryGetValue(k, out var part))
                byKey[k] = part = new Part(o.Key, []);
            part.Ops.Add(o); // ids rise in each part's order; the search numbers its operations itself
        }
        return byKey.Values.ToList();
    }

    /// <summary>The search's result for one part, with the operations searched and where the search began.</summary>
    sealed record PartOutcome(
        SearchOutcome Search,
        IReadOnlyList<Operation> Ops,
        IReadOnlyList<StartConfig> Starts,
        long Configurations
    );

    PartOutcome SearchPart(Part part, Budget budget)
    {
        var outcome = Search.Run(part.Ops, model, budget);
        return new PartOutcome(outcome, part.Ops, [StartConfig.Initial(model)], outcome.Configurations);
    }

    KeyFailure Explain(object? key, PartOutcome part, TimeSpan shrinkTime, CancellationToken cancel)
    {
        var outcome = part.Search;
        var blocked = outcome.Blocked!;
        var clock = Stopwatch.StartNew();
        var shrunk = Shrinker.Shrink(part.Ops, blocked, model, part.Starts, part.Configurations, shrinkTime, cancel);
        var startStates = shrunk.Starts.Select(c => c.State).Distinct(Values.Comparer).ToList();
        return new KeyFailure(
            key,
            OpView.Of(blocked),
            outcome.Prefix.Count > 0 ? OpView.Of(outcome.Prefix[^1]) : null,
            outcome.Prefix.Select(OpView.Of).ToList(),
            outcome.States.Select(model.Describe).ToList(),
            shrunk.Minimal.OrderBy(o => o.Call).Select(OpView.Of).ToList(),
            shrunk.Complete,
            startStates.Select(model.Describe).ToList(),
            shrunk.StartAfter is { } a ? OpView.Of(a) : null
        )
        {
            StartValues = startStates,
            ShrinkSeconds = clock.Elapsed.TotalSeconds,
            Kind = shrunk.Kind,
            PrefixOps = shrunk.PrefixOps,
            ShrinkStopped = shrunk.Stopped,
        };
    }

    static string Summarize(LinearizabilityReport r)
    {
        var counts =
            $"{r.Operations} ops ({r.Crashed} indeterminate) over {r.Keys} key(s), {r.Model} model, "
            + $"{r.Seconds * 1000:F0} ms";
        return r.Verdict switch
        {
            Verdict.Valid => $"linearizable: {counts}",
            Verdict.Unknown => $"unknown ({r.Cause}): {counts}",
            _ => $"NOT linearizable{(r.Failure!.Key is { } k ? $" at key {Values.Format(k)}" : "")}: {counts}",
        };
    }
}
