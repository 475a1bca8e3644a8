using Checker.Core.History;

namespace Checker.Core.Tests.Support;

/// <summary>
/// Writes small hand-made histories: each call appends one record, 1 ms after the previous one, so the
/// order of the calls is the order of events. Line numbers are the records' positions + 1.
/// </summary>
public sealed class Recorder
{
    public List<Op> Ops { get; } = [];

    /// <summary>The index the next record gets: lets a test name the op it is about to write.</summary>
    public long Next => Ops.Count;

    public Recorder Invoke(int process, string f, object? value = null) => Record(process, OpType.Invoke, f, value);
    public Recorder Ok(int process, string f, object? value = null) => Record(process, OpType.Ok, f, value);
    public Recorder Fail(int process, string f, object? value = null, string? error = null) => Record(process, OpType.Fail, f, value, error);
    public Recorder Info(int process, string f, object? value = null) => Record(process, OpType.Info, f, value);

    /// <summary>An invoke immediately followed by its completion.</summary>
    public Recorder Call(int process, string f, object? input, OpType outcome, object? output = null, string? error = null)
    {
        Invoke(process, f, input);
        return Record(process, outcome, f, outcome == OpType.Ok ? output ?? input : input, error);
    }

    public Recorder Nemesis(string f, object? value = null) => Record(Op.NemesisProcess, OpType.Info, f, value);

    public Recorder Record(int process, OpType type, string f, object? value, string? error = null, object? key = null)
    {
        Ops.Add(new Op(Ops.Count, Ops.Count * 1_000_000L, process, type, f, value, key, error, Ops.Count + 1));
        return this;
    }

    public static List<object?> List(params long[] xs) => xs.Select(x => (object?)x).ToList();
}
