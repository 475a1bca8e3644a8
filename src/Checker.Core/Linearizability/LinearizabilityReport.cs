using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Linearizability;

/// <summary>One operation as reports show it: who did what, what came back, where it is in the history.</summary>
public sealed record OpView(
    int Process,
    string F,
    object? Key,
    object? Input,
    object? Output,
    bool Crashed,
    long InvokeIndex,
    long? CompletionIndex,
    long Call,
    long? Return,
    int Line
)
{
    public static OpView Of(Operation o) =>
        new(
            o.Process,
            o.F,
            o.Key,
            o.Input,
            o.Output,
            o.Crashed,
            o.Invoke.Index,
            o.Completion?.Index,
            o.Call,
            o.Crashed ? null : o.Return,
            o.Invoke.Line
        );

    public override string ToString() =>
        $"process {Process} {F}{(Key is null ? "" : $" key {Values.Format(Key)}")} {Values.Format(Input)}"
        + (Crashed ? " -> ? (crashed)" : $" -> {Values.Format(Output)}")
        + $"  [op {InvokeIndex}{(CompletionIndex is { } c ? $"..{c}" : "")}{(Line > 0 ? $", line {Line}" : "")}]";
}

/// <summary>How far shrinking took a counterexample.</summary>
public enum CounterexampleKind
{
    /// <summary>Shrinking finished: no single operation of the set can be weakened further.</summary>
    Minimal,

    /// <summary>Shrinking stopped early (out of time, or steps it could not decide): a smaller set may exist.</summary>
    PartlyShrunk,

    /// <summary>Not shrunk: the definite operations of the history up to the failed one's completion.</summary>
    HistoryPrefix,
}

/// <summary>Why one key's history is not linearizable.</summary>
/// <param name="Failed">The operation no order could make take effect before its completion.</param>
/// <param name="LastLinearized">The last operation of the longest linearizable prefix.</param>
/// <param name="Prefix">The longest linearizable prefix, in the order its operations took effect.</param>
/// <param name="States">The model states the object could be in at that point.</param>
/// <param name="Minimal">
/// A set of operations whose results cannot be reconciled: shrunk from the failing history by dropping
/// reads and turning other operations indeterminate while it stayed non-linearizable. It is not
/// linearizable by itself, nor with the rest of the history allowed to happen or not. It is minimal only
/// when MinimalIsMinimal (see Kind): else a partly shrunk set, or the unshrunk history prefix.
/// </param>
/// <param name="MinimalIsMinimal">False when shrinking stopped before it was done, or never ran.</param>
/// <param name="MinimalStartsFrom">The states the object can be in when Minimal begins (all that the history before it
/// allows).</param>
/// <param name="MinimalStartsAfter">The last operation before Minimal's starting point; null when Minimal starts from
/// the initial state.</param>
public sealed record KeyFailure(
    object? Key,
    OpView Failed,
    OpView? LastLinearized,
    IReadOnlyList<OpView> Prefix,
    IReadOnlyList<string> States,
    IReadOnlyList<OpView> Minimal,
    bool MinimalIsMinimal,
    IReadOnlyList<string> MinimalStartsFrom,
    OpView? MinimalStartsAfter
)
{
    /// <summary>How long shrinking took (bounded by the shrink time; zero when turned off).</summary>
    public double ShrinkSeconds { get; init; }

    /// <summary>What Minimal is: minimal, partly shrunk, or the history prefix (never minimal unless
    /// MinimalIsMinimal).</summary>
    public CounterexampleKind Kind
    {
        get =>
            MinimalIsMinimal ? CounterexampleKind.Minimal
            : kind == CounterexampleKind.Minimal ? CounterexampleKind.PartlyShrunk
            : kind;
        init => kind = value;
    }

    readonly CounterexampleKind kind = CounterexampleKind.PartlyShrunk;

    /// <summary>The definite operations of the history prefix shrinking started from (0: not recorded).</summary>
    public int PrefixOps { get; init; }

    /// <summary>Why shrinking stopped short of a minimal set, or null when it finished.</summary>
    public string? ShrinkStopped { get; init; }

    /// <summary>What the counterexample is, in words: the heading every report prints above its operations.</summary>
    public string Counterexample
    {
        get
        {
            var key = Key is null ? "" : $" on key {Values.Format(Key)}";
            var size =
                PrefixOps > 0
                    ? $"{Minimal.Count} of the {Count(PrefixOps)} in the history prefix"
                    : Count(Minimal.Count);
            var why = ShrinkStopped is null ? "" : $"; {ShrinkStopped}";
            return Kind switch
            {
                CounterexampleKind.Minimal => $"minimal counterexample{key} "
                    + $"({Count(Minimal.Count)}{(PrefixOps > 0 ? $", shrunk from {PrefixOps}" : "")})",
                CounterexampleKind.HistoryPrefix =>
                    $"counterexample{key}: the history prefix up to the op that cannot be linearized "
                        + $"({Count(Minimal.Count)}, not shrunk{why})",
                _ => $"partly shrunk counterexample{key} ({size}; shrinking stopped "
                    + $"early{(ShrinkStopped is null ? "" : $", {ShrinkStopped}")}; a smaller set may exist)",
            };
        }
    }

    static string Count(int n) => n == 1 ? "1 op" : $"{n} ops";

    /// <summary>The start states as values, for tests that re-check the counterexample.</summary>
    [Newtonsoft.Json.JsonIgnore]
    internal IReadOnlyList<object?> StartValues { get; init; } = [];
}

/// <summary>The linearizability checker's findings: verdict, counts, and for an invalid history the
/// explanation.</summary>
public sealed record LinearizabilityReport(
    Verdict Verdict,
    string Model,
    int Operations,
    int Crashed,
    int Keys,
    double Seconds,
    long Configurations,
    string? Cause,
    IReadOnlyList<object?> UnknownKeys,
    KeyFailure? Failure
)
{
    /// <summary>What a reader of the verdict should know about how ops were read (values from completions).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
