namespace Checker.Core.History;

/// <summary>
/// A client operation as the checkers see it: an invoke paired with its completion.
/// Failed operations are not represented (they did not happen). A crashed operation (completed by
/// info, or never completed) may take effect at any moment after its invoke, or never: it has no
/// return time and no output.
/// </summary>
/// <param name="Id">0-based number within the list it was made for, dense there (a key's part of a split history keeps
/// the numbers, rising in its order).</param>
/// <param name="Input">The invoke's value (what the client asked for); for an ok write or cas whose completion
/// restates another value, the completion's, as in Knossos (see <see cref="InputFromCompletion"/>).</param>
/// <param name="Output">The ok completion's value (what the client saw); null when crashed.</param>
/// <param name="Call">Invoke time, in the history's time unit (nanoseconds, or position when untimed).</param>
/// <param name="Return">Completion time; long.MaxValue when crashed.</param>
public sealed record Operation(
    int Id,
    int Process,
    string F,
    object? Key,
    object? Input,
    object? Output,
    bool Crashed,
    long Call,
    long Return,
    Op Invoke,
    Op? Completion
)
{
    /// <summary>
    /// True when Input is the ok completion's value rather than the invoke's (a write or cas that completed
    /// with another value: Knossos takes the completion's); <see cref="InvokedWith"/> then holds the invoke's.
    /// </summary>
    public bool InputFromCompletion { get; init; }

    /// <summary>The invoke's value when <see cref="InputFromCompletion"/>; null otherwise.</summary>
    public object? InvokedWith { get; init; }

    public Operation WithId(int id) => this with { Id = id };

    public override string ToString() =>
        $"{Process} {F}{(Key is null ? "" : $" [{Values.Format(Key)}]")} {Values.Format(Input)}"
        + (Crashed ? " -> ?" : $" -> {Values.Format(Output)}");
}
