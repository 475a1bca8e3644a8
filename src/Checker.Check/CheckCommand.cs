using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Workloads;

namespace Checker.Check;

/// <summary>
/// checker check FILE: judges a recorded history (Checker's or Jepsen's) for linearizability, and,
/// when it has times and nemesis operations, for recovery after each heal.
/// </summary>
internal static class CheckCommand
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
          --shrink S     at most S seconds shrinking a counterexample (default 5; 0: no shrinking, the
                         counterexample is then the history up to the op that cannot be linearized).
                         Shrinking is bounded by work first (scaled from the search's), so the
                         same history gives the same counterexample on any machine; the time is a
                         safety net. It is called minimal only when shrinking finished; else partly
                         shrunk, with how far it got
          --json         print the result as JSON
          --report DIR   also write plots and pages (index.html, timeline, counterexample) into DIR
                         (checker check only: checker-check, the check compiled ahead of time, has no plots)
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

    /// <summary>Checks one file as the arguments say, printing the result; returns the exit code.</summary>
    public static int Execute(string[] argv, CheckHost host) => Execute(argv, host, indentedJson: true);

    /// <param name="indentedJson">--json prints the result indented; else on one line (several files).</param>
    internal static int Execute(string[] argv, CheckHost host, bool indentedJson)
    {
        var args = new Args(argv, CheckOptions.Flags);
        if (args.Flag("help"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        var options = CheckOptions.Parse(args);
        args.RejectUnknown();
        if (options.ReportDir is not null && host.WriteReport is null)
            throw new UsageException(
                $"--report: {host.Program} writes no plots or pages; 'checker check --report DIR' writes them"
            );
        if (Unreadable(options) is { } problem)
            return host.BadInputError(problem);
        var loaded = HistoryFile.Open(options.Path, options.Format);
        HistoryFile.RequireClientOps(loaded, options.Path, options.FormatGiven);
        var notes = loaded.Notes.ToList();
        var results = RunChecks(loaded, options, notes);
        var verdict = Verdicts.Combine(results.Select(r => r.Verdict));
        Console.Out.Write(
            options.Json
                ? CheckJson.FileResult(options.Path, verdict, notes, results, indentedJson) + "\n"
                : Describe(options.Path, loaded.Ops, verdict, results, notes)
        );
        if (options.MemoryMb is not null)
            Console.Error.WriteLine(
                $"memory: peak resident {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 >> 20} "
                    + $"MB of the {options.MemoryMb} MB allowed"
            );
        if (options.ReportDir is { } folder && WriteReport(host, folder, loaded, results, options.Path) is { } failed)
            return failed;
        return Verdicts.ExitCode(verdict);
    }

    /// <summary>Why the file cannot be checked before it is opened (a folder, no file, a bank check without its
    /// total), or null.</summary>
    static string? Unreadable(CheckOptions options)
    {
        var path = options.Path;
        if (Directory.Exists(path))
            return $"{path}: is a folder, not a history file";
        if (!File.Exists(path))
            return $"{path}: no such file";
        if (options.Workload == BuiltInWorkloads.Bank && options.BankTotal is null)
            return $"{path}: the bank checker needs --bank-total N, the sum of all balances as the test set them up; "
                + $"it is never guessed from the history";
        return null;
    }

    /// <summary>
    /// The checks the history calls for, under the memory guard (and Ctrl-C, which ends them with unknown):
    /// linearizability against a model, or the workload's checker; then, for a timed history with nemesis ops,
    /// recovery after each heal and, with the nodes named, availability. A verdict a tripped guard cut short
    /// becomes unknown.
    /// </summary>
    internal static List<CheckResult> RunChecks(LoadedHistory loaded, CheckOptions options, List<string> notes)
    {
        var history = loaded.Ops;
        // The whole process is bounded, by --memory or by default by a share of the memory available to it.
        var processBytes = options.ProcessBytes;
        var search = options.Search(processBytes);
        using var cancel = new CancellationTokenSource();
        using var guard = new MemoryGuard(processBytes, cancel);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var result = options.Workload is { } workload
            ? workload.CreateChecker(new(options.Path, search, options.Bank)).Check(history, cancel.Token)
            : CheckModel(history, options, search, notes, cancel.Token);
        List<CheckResult> results = [result];
        var timedWithFaults = history.All(o => o.Time >= 0) && history.Any(o => o.IsNemesis);
        var recovery = RecoveryFor(loaded, options);
        if (timedWithFaults)
            results.Add(new RecoveryChecker(recovery).Check(history, cancel.Token));
        // With the nodes named (Checker's header) and faults that say what they did, writes must go on while a
        // majority is connected.
        var workloadOrModel = options.Workload
            ?? ((options.ModelName ?? "register").Contains("register") ? BuiltInWorkloads.Register : null);
        if (timedWithFaults && loaded.Header.Nodes is { Count: > 0 } nodes && workloadOrModel?.Writes is { } isWrite)
            results.Add(
                new AvailabilityChecker(new AvailabilityOptions(recovery.Budget, recovery.Stall, nodes, isWrite)).Check(
                    history,
                    cancel.Token
                )
            );
        guard.CheckNow(); // the checks may have ended between two of its samples
        return results.Select(guard.Judge).ToList();
    }

    /// <summary>The recovery check's options: the nodes it judges and what shows a node serving.</summary>
    static RecoveryOptions RecoveryFor(LoadedHistory loaded, CheckOptions options)
    {
        var history = loaded.Ops;
        var recovery = options.Recovery;
        // A history that names each client op's node is judged per node, as its run was; the header's
        // node list adds nodes no client op reached. Without node fields the cluster is one node.
        if (loaded.Header.Nodes is { } named && history.Any(o => o.Node is not null))
            recovery = recovery with { Nodes = named.Union(history.Select(o => o.Node).OfType<string>()).ToList() };
        if (options.Workload?.Serves is { } serves)
            recovery = recovery with { Serves = serves };
        return recovery;
    }

    /// <summary>--report: the plots and pages, with the statistics; the exit code when the folder cannot be
    /// written, else null.</summary>
    static int? WriteReport(
        CheckHost host,
        string folder,
        LoadedHistory loaded,
        IReadOnlyList<CheckResult> results,
        string path
    )
    {
        try
        {
            Directory.CreateDirectory(folder);
            host.WriteReport!(
                folder,
                loaded.Ops,
                [.. results, new StatsChecker().Check(loaded.Ops)],
                System.IO.Path.GetFileName(path),
                loaded.Header.Start
            );
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return host.EnvironmentError($"{folder}: the report cannot be written ({e.Message})");
        }
        Console.Error.WriteLine($"report: {System.IO.Path.Combine(folder, "index.html")}");
        return null;
    }

    /// <summary>The linearizability check against a model (named, or guessed from the ops), with the note on nil
    /// reads.</summary>
    static CheckResult CheckModel(
        List<Op> history,
        CheckOptions given,
        LinearizabilityOptions options,
        List<string> notes,
        CancellationToken cancel
    )
    {
        var (path, modelName, initial, nilUnknown) = (
            given.Path,
            given.ModelName,
            given.Initial,
            given.NilReadsUnknown
        );
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
            var label =
                !named ? $"{r.Checker} {Verdicts.Word(r.Verdict)}: "
                : head == "not judged" ? $"{r.Checker} "
                : "";
            w.WriteLine(label + r.Summary.Replace("\n", "\n  "));
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
