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
    int Line)
{
    public static OpView Of(Operation o) => new(
        o.Process, o.F, o.Key, o.Input, o.Output, o.Crashed,
        o.Invoke.Index, o.Completion?.Index, o.Call, o.Crashed ? null : o.Return, o.Invoke.Line);

    public override string ToString() =>
        $"process {Process} {F}{(Key is null ? "" : $" key {Values.Format(Key)}")} {Values.Format(Input)}" +
        (Crashed ? " -> ? (crashed)" : $" -> {Values.Format(Output)}") +
        $"  [op {InvokeIndex}{(CompletionIndex is { } c ? $"..{c}" : "")}{(Line > 0 ? $", line {Line}" : "")}]";
}

/// <summary>Why one key's history is not linearizable.</summary>
/// <param name="Failed">The operation no order could make take effect before its completion.</param>
/// <param name="LastLinearized">The last operation of the longest linearizable prefix.</param>
/// <param name="Prefix">The longest linearizable prefix, in the order its operations took effect.</param>
/// <param name="States">The model states the object could be in at that point.</param>
/// <param name="Minimal">
/// A minimal set of operations whose results cannot be reconciled: shrunk from the failing history
/// by dropping reads and turning other operations indeterminate while it stayed non-linearizable.
/// It is not linearizable by itself, nor with the rest of the history allowed to happen or not.
/// </param>
/// <param name="MinimalIsMinimal">False when the shrinking ran out of time before it was done.</param>
/// <param name="MinimalStartsFrom">The states the object can be in when Minimal begins (all that the history before it allows).</param>
/// <param name="MinimalStartsAfter">The last operation before Minimal's starting point; null when Minimal starts from the initial state.</param>
public sealed record KeyFailure(
    object? Key,
    OpView Failed,
    OpView? LastLinearized,
    IReadOnlyList<OpView> Prefix,
    IReadOnlyList<string> States,
    IReadOnlyList<OpView> Minimal,
    bool MinimalIsMinimal,
    IReadOnlyList<string> MinimalStartsFrom,
    OpView? MinimalStartsAfter)
{
    /// <summary>How long shrinking took (bounded by the shrink time; zero when turned off).</summary>
    public double ShrinkSeconds { get; init; }

    /// <summary>The start states as values, for tests that re-check the counterexample.</summary>
    [Newtonsoft.Json.JsonIgnore]
    internal IReadOnlyList<object?> StartValues { get; init; } = [];
}

/// <summary>The linearizability checker's findings: verdict, counts, and for an invalid history the explanation.</summary>
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
    KeyFailure? Failure)
{
    /// <summary>What a reader of the verdict should know about how ops were read (values from completions).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
