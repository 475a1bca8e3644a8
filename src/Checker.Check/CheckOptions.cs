using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Workloads;

namespace Checker.Check;

/// <summary>What `check FILE [options]` was asked to do, read from its arguments (see CheckCommand's help).</summary>
/// <param name="FormatGiven">--format named a format (not auto): then the file must read as that format.</param>
/// <param name="Workload">--workload's descriptor; null when the history is checked against a model.</param>
/// <param name="Initial">--initial, read as JSON or EDN; null when not given.</param>
/// <param name="MemoryMb">--memory: the bound on the process's resident memory, when given.</param>
/// <param name="Shrink">--shrink: the time shrinking a counterexample may take, when given.</param>
internal sealed record CheckOptions(
    string Path,
    HistoryFormat Format,
    bool FormatGiven,
    string? ModelName,
    WorkloadDescriptor? Workload,
    long? BankTotal,
    bool BankAllowNegative,
    int? BankAccounts,
    object? Initial,
    bool NilReadsUnknown,
    TimeSpan? Timeout,
    long? MemoryMb,
    TimeSpan? Shrink,
    bool Split,
    bool Json,
    string? ReportDir,
    RecoveryOptions Recovery
)
{
    /// <summary>The options that take no value.</summary>
    public static readonly string[] Flags = ["json", "no-split", "help", "nil-reads-unknown", "bank-allow-negative"];

    /// <summary>Reads the arguments of a check of one file; throws UsageException on a mistake in them.</summary>
    public static CheckOptions Parse(Args args)
    {
        if (args.Positional.Count != 1)
            throw new UsageException("check needs a history file");
        var formatName = args.Get("format");
        var format = ParseFormat(formatName);
        var modelName = args.Get("model");
        if (modelName is not null && !ModelCatalog.Names.Contains(modelName))
            throw new UsageException(
                $"--model: unknown model '{modelName}' (one of: {string.Join(", ", ModelCatalog.Names)})"
            );
        var workload = ParseWorkload(args.Get("workload"), modelName);
        var bankTotal = args.Integer("bank-total", long.MinValue, long.MaxValue, "an integer");
        var allowNegative = args.Flag("bank-allow-negative");
        var bankAccounts = (int?)args.Integer("bank-accounts", 1, int.MaxValue, "a positive number");
        if ((bankTotal is not null || allowNegative || bankAccounts is not null) && workload != BuiltInWorkloads.Bank)
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
        return new(
            args.Positional[0],
            format,
            formatName is not null && format != HistoryFormat.Auto,
            modelName,
            workload,
            bankTotal,
            allowNegative,
            bankAccounts,
            initial,
            nilUnknown,
            timeout,
            memoryMb,
            shrink,
            split,
            json,
            reportDir,
            recovery
        );
    }

    static HistoryFormat ParseFormat(string? name)
    {
        try
        {
            return HistoryFile.ParseFormat(name ?? "auto");
        }
        catch (UnknownFormatException e)
        {
            throw new UsageException($"--format: {e.Message}");
        }
    }

    static WorkloadDescriptor? ParseWorkload(string? name, string? modelName)
    {
        if (name is null)
            return null;
        var described = WorkloadCatalog.Find(name);
        if (described?.Checker is null)
            throw new UsageException(
                $"--workload: unknown workload '{name}' (one of: {string.Join(", ", WorkloadCatalog.Checkable)})"
            );
        if (modelName is not null)
            throw new UsageException("--model and --workload: give one (a workload has its own checker)");
        return described;
    }

    /// <summary>The bank checker's rules, when the bank workload is checked.</summary>
    public BankOptions? Bank => BankTotal is { } sum ? new(sum, BankAllowNegative, BankAccounts) : null;

    /// <summary>The bound on the whole process's resident memory: --memory, or a share of the memory available
    /// to it.</summary>
    public long ProcessBytes => MemoryMb is { } givenMb ? givenMb << 20 : MemoryGuard.DefaultLimitBytes;

    /// <summary>The linearizability search's options: its limits, and the file's name for messages.</summary>
    public LinearizabilityOptions Search(long processBytes) =>
        new()
        {
            Timeout = Timeout == TimeSpan.MaxValue ? null : Timeout, // a limit past any run is none
            SplitByKey = Split,
            ShrinkTime = Shrink ?? TimeSpan.FromSeconds(5),
            Source = Path,
            // The search's cache and states get half (by default at most 1 GB): the rest is the history, the
            // stacks and the garbage not yet collected.
            MemoryBudgetBytes = MemoryMb is not null
                ? processBytes / 2
                : Math.Min(new LinearizabilityOptions().MemoryBudgetBytes, processBytes / 2),
            ProcessMemoryBytes = processBytes,
        };
}
