using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Workloads;
using Checker.Report;

namespace Checker.Cli.Commands;

/// <summary>
/// checker check FILE: judges a recorded history (Checker's or Jepsen's) for linearizability, and,
/// when it has times and nemesis operations, for recovery after each heal.
/// </summary>
public static class CheckCommand
{
    const string Help = """
        usage: checker check FILE... [--model M] [--format F] [--initial V] [--timeout S] [--memory MB]
                                  [--no-split] [--json] [--report DIR] [--nil-reads-unknown]
                                  [--recovery-budget S] [--stall S]
                                  [--workload set|queue|mutex|bank [--bank-total N] [--bank-allow-negative]
                                                                   [--bank-accounts N]]

          --model M      register, cas-register, mutex, set, unordered-queue, fifo-queue, multi-register, kv
                         (default: guessed from the operations' f)
          --workload W   judge the history as the set, queue, mutex or bank workload records it, with that
                         workload's checker (lost, unexpected, duplicated elements; overlapping lock
                         holders; bad bank totals) instead of a model
          --bank-total N the sum of all balances as the bank test set them up (needed for bank: never guessed)
          --bank-allow-negative  negative balances are allowed
          --bank-accounts N  the accounts are 0..N-1 (default: every account the history names)
          --format F     auto (default), jsonl, edn or log (Jepsen's text log)
          --initial V    the object's initial value, as JSON or EDN (default: nil; "" for kv); for
                         multi-register a map of keys to values, as in Knossos: '{"x":0,"y":0}';
                         for set and the queues a list of elements
          --nil-reads-unknown  read as Knossos does: an ok read of nil reads a value nobody knows (register,
                         cas-register, multi-register). Either way the output says when the other reading
                         would change the verdict.
          --timeout S    give up after S seconds: the verdict is then unknown (1e300 or Infinity: no limit)
          --memory MB    give up when the process's resident memory passes MB: the verdict is then unknown
                         (default: half the memory available to the process)
          --no-split     check the history as one object instead of key by key
          --shrink S     at most S seconds shrinking a counterexample (default 5; never longer than the
                         search took, or half a second; 0: no shrinking, the counterexample is then the
                         history up to the op that cannot be linearized). It is called minimal only when
                         shrinking finished; else partly shrunk, with how far it got
          --json         print the result as JSON
          --report DIR   also write plots and pages (index.html, timeline, counterexample) into DIR
          --recovery-budget S  a timed history with nemesis ops is also checked for recovery: after each
                         heal, every node must serve an ok op within S seconds of calm time, counted
                         across fault windows and only while the node was asked (default 10)
          --stall S      ... and, once serving, never go S seconds of calm time without one (default 5); with
                         the nodes named in its header, writes must also go on, after the budget's grace,
                         while a fault leaves a majority connected (the availability check)
        exit: 0 valid, 1 invalid, 2 unknown, 3 bad input, 4 usage, 5 the report folder cannot be written

        Several files (or a quoted glob such as 'logs/*.edn') are checked one after another in one
        process, with one summary line each (--json: one JSON object per line); the exit code is the
        highest of theirs.
        """;

    public static int Execute(string[] argv)
    {
        var args = new Args(argv, "json", "no-split", "help", "nil-reads-unknown", "bank-allow-negative");
        if (args.Flag("help"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        if (args.Positional.Count != 1)
            throw new UsageException("check needs a history file");
        var path = args.Positional[0];
        var formatName = args.Get("format");
        HistoryFormat format;
        try
        {
            format = HistoryFile.ParseFormat(formatName ?? "auto");
        }
        catch (UnknownFormatException e)
        {
            throw new UsageException($"--format: {e.Message}");
        }
        var modelName = args.Get("model");
        if (modelName is not null && !ModelCatalog.Names.Contains(modelName))
            throw new UsageException(
                $"--model: unknown model '{modelName}' (one of: {string.Join(", ", ModelCatalog.Names)})"
            );
        var workload = args.Get("workload");
        var described = workload is null ? null : WorkloadCatalog.Find(workload);
        if (workload is not null && described?.Checker is null)
            throw new UsageException(
                $"--workload: unknown workload '{workload}' (one of: {string.Join(", ", WorkloadCatalog.Checkable)})"
            );
        if (workload is not null && modelName is not null)
            throw new UsageException("--model and --workload: give one (a workload has its own checker)");
        var bankTotal = args.Integer("bank-total", long.MinValue, long.MaxValue, "an integer");
        var allowNegative = args.Flag("bank-allow-negative");
        var bankAccounts = (int?)args.Integer("bank-accounts", 1, int.MaxValue, "a positive number");
        if ((bankTotal is not null || allowNegative || bankAccounts is not null) && described != BuiltInWorkloads.Bank)
            throw new UsageException("--bank-total, --bank-allow-negative and --bank-accounts go with --workload bank");
        var initialText = args.Get("initial");
        var initial = initialText is null ? null : InitialValue.Parse(initialText);
        var nilUnknown = args.Flag("nil-reads-unknown");
        var timeout = args.Limit("timeout");
        var memoryMb = args.Integer("memory", 1, (1L << 30) - 1, "a positive number of megabytes");
        var shrink = args.Limit("shrink", zeroAllowed: true);
        var split = !args.Flag("no-split");
        var json = args.Flag("json");
        var reportDir = args.Get("report");
        var defaults = RecoveryOptions.Default;
        var recovery = defaults with
        {
            Budget = args.Limit("recovery-budget") ?? defaults.Budget,
            Stall = args.Limit("stall") ?? defaults.Stall,
        };
        args.RejectUnknown();

        if (Directory.Exists(path))
            return App.BadInputError($"{path}: is a folder, not a history file");
        if (!File.Exists(path))
            return App.BadInputError($"{path}: no such file");
        if (described == BuiltInWorkloads.Bank && bankTotal is null)
            return App.BadInputError(
                $"{path}: the bank checker needs --bank-total N, the sum of all balances as the test set them up; "
                    + $"it is never guessed from the history"
            );
        var loaded = HistoryFile.Open(path, format);
        HistoryFile.RequireClientOps(loaded, path, formatName is not null && format != HistoryFormat.Auto);
        var history = loaded.Ops;
        var notes = loaded.Notes.ToList();
        // The whole process is bounded, by --memory or by default by a share of the memory available to it.
        var processBytes = memoryMb is { } givenMb ? givenMb << 20 : MemoryGuard.DefaultLimitBytes;
        var options = new LinearizabilityOptions
        {
            Timeout = timeout == TimeSpan.MaxValue ? null : timeout, // a limit past any run is none
            SplitByKey = split,
            ShrinkTime = shrink ?? TimeSpan.FromSeconds(5),
            Source = path,
            // The search's cache and states get half (by default at most 1 GB): the rest is the history, the
            // stacks and the garbage not yet collected.
            MemoryBudgetBytes = memoryMb is not null
                ? processBytes / 2
                : Math.Min(new LinearizabilityOptions().MemoryBudgetBytes, processBytes / 2),
            ProcessMemoryBytes = processBytes,
        };
        using var cancel = new CancellationTokenSource();
        using var guard = new MemoryGuard(processBytes, cancel);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var result = described is null
            ? CheckModel(history, path, modelName, initial, nilUnknown, options, notes, cancel.Token)
            : described
                .CreateChecker(new(path, options, bankTotal is { } sum ? new(sum, allowNegative, bankAccounts) : null))
                .Check(history, cancel.Token);
        List<CheckResult> results = [result];
        // A history that names each client op's node is judged per node, as its run was; the header's
        // node list adds nodes no client op reached. Without node fields the cluster is one node.
        if (loaded.Header.Nodes is { } named && history.Any(o => o.Node is not null))
            recovery = recovery with { Nodes = named.Union(history.Select(o => o.Node).OfType<string>()).ToList() };
        if (described?.Serves is { } serves)
            recovery = recovery with { Serves = serves };
        if (history.All(o => o.Time >= 0) && history.Any(o => o.IsNemesis))
            results.Add(new RecoveryChecker(recovery).Check(history, cancel.Token));
        // With the nodes named (Checker's header) and faults that say what they did, writes must go on while a majority
        // is connected.
        if (
            history.All(o => o.Time >= 0)
            && history.Any(o => o.IsNemesis)
            && loaded.Header.Nodes is { Count: > 0 } nodes
            && (
                described ?? ((modelName ?? "register").Contains("register") ? BuiltInWorkloads.Register : null)
            )?.Writes
                is { } isWrite
        )
            results.Add(
                new AvailabilityChecker(new AvailabilityOptions(recovery.Budget, recovery.Stall, nodes, isWrite)).Check(
                    history,
                    cancel.Token
                )
            );
        guard.CheckNow(); // the checks may have ended between two of its samples
        results = results.Select(guard.Judge).ToList();
        var verdict = Verdicts.Combine(results.Select(r => r.Verdict));
        if (json)
        {
            // The shape of a run's results.json, so tools read both alike.
            Console.Out.WriteLine(
                ResultsJson.Serialize(
                    new Dictionary<string, object?>
                    {
                        ["file"] = path,
                        ["verdict"] = verdict,
                        ["notes"] = notes,
                        ["checks"] = ResultsJson.Checks(results),
                    }
                )
            );
        }
        else
        {
            Console.Out.Write(Describe(path, history, verdict, results, notes));
        }
        if (memoryMb is not null)
            Console.Error.WriteLine(
                $"memory: peak resident {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 >> 20} "
                    + $"MB of the {memoryMb} MB allowed"
            );
        if (reportDir is not null)
        {
            try
            {
                Directory.CreateDirectory(reportDir);
                RunReport.Write(
                    reportDir,
                    history,
                    [.. results, new StatsChecker().Check(history)],
                    new ReportOptions { Title = Path.GetFileName(path), StartedAt = loaded.Header.Start }
                );
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return App.EnvironmentError($"{reportDir}: the report cannot be written ({e.Message})");
            }
            Console.Error.WriteLine($"report: {Path.Combine(reportDir, "index.html")}");
        }
        return Verdicts.ExitCode(verdict);
    }

    /// <summary>The linearizability check against a model (named, or guessed from the ops), with the note on nil
    /// reads.</summary>
    static CheckResult CheckModel(
        List<Op> history,
        string path,
        string? modelName,
        object? initial,
        bool nilUnknown,
        LinearizabilityOptions options,
        List<string> notes,
        CancellationToken cancel
    )
    {
        var ops = Pairing.Pair(history, path, options.Tuples);
        if (modelName is null && ops.Any(o => o.F == BankChecker.Transfer))
            throw new HistoryFormatException(
                path,
                0,
                "a bank history (transfer ops), which no model checks: use --workload bank --bank-total N"
            );
        var name = modelName ?? ModelCatalog.Guess(ops);
        Model Make(bool nilReads)
        {
            try
            {
                return ModelCatalog.Create(name, initial, nilReads);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--initial: {e.Message}");
            }
        }
        if (initial is System.Collections.IDictionary map && name == "multi-register")
            notes.AddRange(InitialValue.UnusedKeys(map, ops));
        var result = new LinearizabilityChecker(Make(nilUnknown), options).Check(ops, cancel);
        if (Pairing.CompletionValuesNote(ops) is { } taken)
            notes.Add(taken);
        // Knossos's reading accepts every history Checker's does, and more: only a strict INVALID or a
        // lenient VALID can change under the other reading, so only then is the other reading tried.
        if (
            result.Verdict == (nilUnknown ? Verdict.Valid : Verdict.Invalid)
            && NilReads.Count(name, ops) is var nils and > 0
            && NilReadNote(result, ops, name, Make(false).Initial is null, nils, nilUnknown, limit =>
                new LinearizabilityChecker(
                    Make(!nilUnknown),
                    options with
                    {
                        ShrinkTime = TimeSpan.Zero,
                        Timeout = Shorter(limit, options.Timeout),
                    }
                ).Check(ops, cancel)
            )
                is { } note
        )
            notes.Add(note);
        return result;
    }

    static TimeSpan? Shorter(TimeSpan? a, TimeSpan? b) =>
        a is null ? b
        : b is null ? a
        : a < b ? a
        : b;

    /// <summary>The other reading of nil reads gets at most this share of the first search's time.</summary>
    internal const double OtherReadingShare = 0.5;

    /// <summary>...and at least this, so that small histories are always answered.</summary>
    internal static readonly TimeSpan OtherReadingFloor = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The note on what the other reading of ok reads of nil would decide, or null when it decides the same.
    /// Two cases are decided without a second search. A read of nil that returned before any op that can
    /// change its register was called, on a register that starts nil, holds under both readings (the read
    /// comes first in every order): if every nil read is such, the readings agree. And a strict
    /// counterexample without other nil reads (nor any before its starting point) fails under both: the
    /// other reading changes only nil reads, and weakening every op outside the counterexample, as its
    /// shrinking did, gives the same non-linearizable history under both. Else the other reading is
    /// searched, for at most a share of the first search's time; the note says when it was cut.
    /// </summary>
    /// <param name="startsNil">The registers start nil (no --initial, or --initial nil).</param>
    internal static string? NilReadNote(
        CheckResult result,
        IReadOnlyList<Operation> ops,
        string model,
        bool startsNil,
        int nils,
        bool nilUnknown,
        Func<TimeSpan?, CheckResult> checkOtherReading
    )
    {
        var report = result.Details as LinearizabilityReport;
        var matters = NilReadsThatMatter(ops, model, startsNil);
        if (matters.Count == 0)
            return null;
        if (!nilUnknown && report?.Failure is { } f && !WitnessHasNilReads(f, ops, matters))
            return null;
        var searched = report is null
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Max(0, report.Seconds - (report.Failure?.ShrinkSeconds ?? 0)));
        var limit = TimeSpan.FromTicks(Math.Max(OtherReadingFloor.Ticks, (long)(searched.Ticks * OtherReadingShare)));
        var other = checkOtherReading(limit);
        var reading = nilUnknown
            ? "read as reads of nil (without --nil-reads-unknown)"
            : "read as Knossos reads them (--nil-reads-unknown: a value nobody knows)";
        if (other.Verdict == Verdict.Unknown)
            return $"{nils} ok reads of nil: {reading}, the verdict was not decided within {limit.TotalSeconds:0.##} s "
                + $"(that check is given half the search's time, at least {OtherReadingFloor.TotalSeconds:0.##} s)";
        return other.Verdict != result.Verdict
            ? $"{nils} ok reads of nil: {reading} the verdict would be "
                + $"{Verdicts.Word(other.Verdict).ToUpperInvariant()}"
            : null;
    }

    /// <summary>The ops with ok reads of nil that the two readings may take differently (see NilReadNote).</summary>
    static List<Operation> NilReadsThatMatter(IReadOnlyList<Operation> ops, string model, bool startsNil)
    {
        // Per register (key), when the first op that may change it was called.
        var firstChange = new Dictionary<object, long>(Values.Comparer!);
        var noKey = new object();
        foreach (var o in ops.Where(o => o.F != "read"))
        {
            var k = o.Key ?? noKey;
            firstChange[k] = Math.Min(firstChange.GetValueOrDefault(k, long.MaxValue), o.Call);
        }
        return ops.Where(o =>
                !o.Crashed
                && NilReads.Count(model, [o]) > 0
                && !(
                    startsNil
                    && o.F == "read"
                    && o.Return < firstChange.GetValueOrDefault(o.Key ?? noKey, long.MaxValue)
                )
            )
            .ToList();
    }

    /// <summary>Whether the counterexample, or the history before its starting point, holds one of these nil
    /// reads.</summary>
    static bool WitnessHasNilReads(KeyFailure f, IReadOnlyList<Operation> ops, List<Operation> matters)
    {
        var inWitness = f.Minimal.Select(o => o.InvokeIndex).ToHashSet();
        var cut = f.MinimalStartsAfter?.Return;
        return matters.Any(o =>
            inWitness.Contains(o.Invoke.Index)
            || (cut is { } c && o.Return <= c && (f.Key is null || Values.Same(o.Key, f.Key)))
        );
    }

    /// <summary>The human summary: overall verdict, then each check, the linearizability explanation in full.</summary>
    internal static string Describe(
        string path,
        IReadOnlyList<Op> history,
        Verdict verdict,
        IReadOnlyList<CheckResult> results,
        IReadOnlyList<string> notes
    )
    {
        var w = new StringWriter();
        var failed = history.Count(o => o.Type == OpType.Fail && !o.IsNemesis);
        w.WriteLine($"{path}: {history.Count} records, {failed} failed ops (they did not happen)");
        foreach (var note in notes)
            w.WriteLine($"note: {note}");
        w.WriteLine($"verdict: {Verdicts.Word(verdict).ToUpperInvariant()}");
        foreach (var r in results)
        {
            // Summaries that already name their check ("NOT linearizable: ...", "not judged: ...") stand alone.
            var head = r.Summary.Split(':')[0];
            var named = head.Contains(r.Checker, StringComparison.OrdinalIgnoreCase) || head == "not judged";
            w.WriteLine(
                (named ? (head == "not judged" ? $"{r.Checker} " : "") : $"{r.Checker} {Verdicts.Word(r.Verdict)}: ")
                    + r.Summary.Replace("\n", "\n  ")
            );
        }
        if (
            (results[0].Details as LinearizabilityReport ?? (results[0].Details as MutexReport)?.Linearizability) is
            { Failure: { } f }
        )
        {
            w.WriteLine();
            w.WriteLine($"cannot linearize: {f.Failed}");
            if (f.LastLinearized is { } last)
                w.WriteLine($"last linearized:  {last}");
            w.WriteLine($"possible states then: {Counterexample.States(f.States)}");
            w.WriteLine($"longest linearizable prefix: {f.Prefix.Count} ops");
            w.WriteLine();
            Counterexample.Write(w, f);
        }
        return w.ToString();
    }
}
