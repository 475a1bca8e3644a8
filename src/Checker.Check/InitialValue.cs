using System.Collections;
using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Check;

/// <summary>
/// --initial: JSON when it reads as JSON ('{"x":0}', '"a"', '[1,2]'), else EDN ('{:x 0}', 'nil', '[1 2]').
/// JSON comes first because EDN would misread it: '{"x":0}' is, to EDN, the string "x" then the keyword :0.
/// </summary>
internal static class InitialValue
{
    public static object? Parse(string text)
    {
        var line = $"{{\"index\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"initial\",\"value\":{text}}}";
        try
        {
            var op = JsonLinesHistory.Read(new StringReader(line), "--initial").ToList();
            if (op.Count == 1)
                return op[0].Value;
        }
        catch (HistoryFormatException) { }
        try
        {
            var reader = new EdnReader(new StringReader(text), "--initial");
            var value = reader.ReadForm();
            if (!reader.AtEnd)
                throw new UsageException($"--initial takes one value, not '{text}'");
            return value;
        }
        catch (HistoryFormatException e)
        {
            throw new UsageException($"--initial is neither JSON nor EDN: {e.Problem}");
        }
    }

    /// <summary>A note when a multi-register's initial map names keys the history never uses ("x" is not :x).</summary>
    public static IEnumerable<string> UnusedKeys(IDictionary initial, IEnumerable<Operation> ops)
    {
        var used = new HashSet<object?>(Values.Comparer);
        foreach (var o in ops)
            if (o.Input is IList<object?> micro)
                foreach (var m in micro)
                    if (m is IList<object?> { Count: 3 } t)
                        used.Add(t[1]);
        var unused = initial.Keys.Cast<object?>().Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0)
            yield return $"--initial names keys no transaction uses: {string.Join(", ", unused.Select(Values.Format))} "
                + $"(the history's keys: {string.Join(", ", used.Take(5).Select(Values.Format))}; a string key is "
                + $"not a keyword)";
    }
}
