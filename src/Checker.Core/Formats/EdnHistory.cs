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
            if (wrapped && (edn.TryConsume(']') || edn.TryConsume(')'))) break;
            if (edn.AtEnd)
            {
                if (wrapped) throw new HistoryFormatException(source, edn.Line, "the history's opening bracket is never closed");
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
        if (wrapped && !edn.AtEnd) throw new HistoryFormatException(source, edn.Line, "text after the history's closing bracket");
    }

    /// <summary>Builds an op from a Jepsen op map (keys :index :time :process :type :f :value, optional :key :error).</summary>
    internal static Op FromMap(IDictionary map, long defaultIndex, string source, int line)
    {
        HistoryFormatException Bad(string problem) => new(source, line, problem);
        long index = map.Contains("index") ? map["index"] as long? ?? throw Bad(":index must be an integer") : defaultIndex;
        long time = map.Contains("time") ? map["time"] as long? ?? throw Bad(":time must be an integer") : -1;
        var process = ParseProcess(map["process"]) ?? throw Bad($":process must be an integer or :nemesis, not {Values.Format(map["process"])}");
        OpType type;
        try
        {
            type = JsonLinesHistory.ParseType(map["type"] as string);
        }
        catch (FormatException)
        {
            throw Bad($":type must be :invoke, :ok, :fail or :info, not {Values.Format(map["type"])}");
        }
        var f = map["f"] switch
        {
            string s => s,
            null => throw Bad("missing :f"),
            var other => Values.Format(other),
        };
        var error = map["error"] switch
        {
            null => null,
            string s => s,
            var other => Values.Format(other),
        };
        return new Op(index, time, process, type, f, map["value"], map["key"], error, line);
    }

    internal static int? ParseProcess(object? p) => p switch
    {
        long l when l is >= 0 and <= int.MaxValue => (int)l,
        "nemesis" => Op.NemesisProcess,
        _ => null,
    };
}
