namespace Checker.Core.History;

/// <summary>What an operation record says: the start of an operation or how it ended.</summary>
public enum OpType
{
    /// <summary>A process began the operation.</summary>
    Invoke,

    /// <summary>The operation took effect, with the result in Value.</summary>
    Ok,

    /// <summary>The operation definitely did not take effect.</summary>
    Fail,

    /// <summary>Indeterminate: it may have taken effect at any moment after its invoke, or never.</summary>
    Info,
}

/// <summary>
/// One record of a history: an invoke, or the completion that ends the previous invoke of the same process.
/// Values are plain data: null, long (BigInteger beyond 64 bits), double, bool, string, Keyword, List&lt;object?&gt;,
/// HashSet and Dictionary&lt;object, object?&gt;; compare them with <see cref="Values"/>.
/// </summary>
/// <param name="Index">Position in the history, 0-based, unique.</param>
/// <param name="Time">Monotonic nanoseconds since the test began; -1 where the source had no times.</param>
/// <param name="Process">The logical client process; <see cref="NemesisProcess"/> for the fault injector.</param>
/// <param name="Line">1-based line in the source file, for error messages; 0 when not read from a file.</param>
public sealed record Op(
    long Index,
    long Time,
    int Process,
    OpType Type,
    string F,
    object? Value,
    object? Key = null,
    string? Error = null,
    int Line = 0
)
{
    /// <summary>The process number that marks nemesis records: they are not client operations.</summary>
    public const int NemesisProcess = -1;

    public bool IsNemesis => Process == NemesisProcess;

    /// <summary>
    /// The database node a client op was sent to, when the history says so (JSON Lines field "node"):
    /// the recovery check then judges each node on its own, as a run does. Null: not recorded.
    /// </summary>
    public string? Node { get; init; }

    public override string ToString()
    {
        var process = IsNemesis ? "nemesis" : Process.ToString();
        var key = Key is null ? "" : $" key={Values.Format(Key)}";
        var error = Error is null ? "" : $" error={Error}";
        return $"#{Index} {process} {Type.ToString().ToLowerInvariant()} {F} {Values.Format(Value)}{key}{error}";
    }
}
