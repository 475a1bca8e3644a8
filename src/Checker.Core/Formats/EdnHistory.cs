using System.Collections;
using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>
/// Jepsen's EDN histories: either one vector or list of op maps, or a stream of op maps one after
/// another. Both are read one op at a time, so a large file never becomes one string.
/// </summary>
public static class EdnHistory
{
    public static IEnumerable<Op> Read(TextReader input, string source)
    {
        var edn = new EdnReader(input, source);
        var wrapped = edn.TryConsume('[') || edn.TryConsume('(');
        long nextIndex = 0;
        while (true)
        {
            if (wrapped && (edn.TryConsume(']') || edn.TryConsume(')')))
                break;
            if (edn.AtEnd)
            {
                if (wrapped)
                    throw new HistoryFormatException(source, edn.Line, "the history's opening bracket is never closed");
                break;
            }
            var line = edn.Line;
            var form = edn.ReadForm();
            if (form is not IDictionary map)
                throw new HistoryFormatException(source, line, $"expected an op map, found {Values.Format(form)}");
            var op = FromMap(map, nextIndex, source, line);
            nextIndex = op.Index + 1;
            yield return op;
        }
        if (wrapped && !edn.AtEnd)
            throw new HistoryFormatException(source, edn.Line, "text after the history's closing bracket");
    }

    /// <summary>Builds an op from a Jepsen op map (keys :index :time :process :type :f :value, optional :key
    /// :error).</summary>
    internal static Op FromMap(IDictionary map, long defaultIndex, string source, int line)
    {
        HistoryFormatException Bad(string problem) => new(source, line, problem);
        object? Field(string name) => map[new Keyword(name)];
        bool Has(string name) => map.Contains(new Keyword(name));
        long index = Has("index")
            ? Field("index") as long? ?? throw Bad(":index must be an integer that fits in 64 bits")
            : defaultIndex;
        long time = Has("time")
            ? Field("time") as long? ?? throw Bad(":time must be an integer that fits in 64 bits")
            : -1;
        if (Has("time") && time < 0)
            throw Bad($":time must not be negative ({time}): times count from the test's start");
        var process = ParseProcess(Field("process"))
            ?? throw Bad($":process must be a non-negative integer or :nemesis, not {Values.Format(Field("process"))}");
        OpType type;
        try
        {
            type = JsonLinesHistory.ParseType(Field("type") is Keyword k ? k.Name : null);
        }
        catch (FormatException)
        {
            throw Bad($":type must be :invoke, :ok, :fail or :info, not {Values.Format(Field("type"))}");
        }
        var f = Field("f") switch
        {
            null => throw Bad("missing :f"),
            var named when Names.Of(named) is { } s => s,
            var other => Values.Format(other),
        };
        var error = Field("error") switch
        {
            null => null,
            var named when Names.Of(named) is { } s => s,
            var other => Values.Format(other),
        };
        return new Op(index, time, process, type, f, Field("value"), Field("key"), error, line)
        {
            Node = Names.Of(Field("node")),
        };
    }

    internal static int? ParseProcess(object? p) =>
        p switch
        {
            long l when l is >= 0 and <= int.MaxValue => (int)l,
            Keyword { Name: "nemesis" } => Op.NemesisProcess,
            _ => null,
        };
}
