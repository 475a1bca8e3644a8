using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>
/// Jepsen's text log, one op per line after a "jepsen.util - " marker:
/// "INFO  jepsen.util - 3	:invoke	:cas	[1 4]" (tab- or space-separated process, type, f, EDN value).
/// Lines without the marker (other log output) are skipped. Times are absent, so ops are ordered by line.
/// </summary>
public static class JepsenLog
{
    const string Marker = "jepsen.util - ";

    public static IEnumerable<Op> Read(TextReader input, string source)
    {
        var lineNo = 0;
        long index = 0;
        while (input.ReadLine() is { } line)
        {
            lineNo++;
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at < 0) continue;
            yield return ParseLine(line.AsSpan(at + Marker.Length).ToString(), index++, source, lineNo);
        }
    }

    /// <summary>True if the text looks like a Jepsen log (has an op line).</summary>
    internal static bool Looks(string line) => line.Contains(Marker, StringComparison.Ordinal);

    static Op ParseLine(string rest, long index, string source, int lineNo)
    {
        var fields = rest.Split((char[])['\t', ' '], 4, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3) throw new HistoryFormatException(source, lineNo, "expected 'process type f value' after 'jepsen.util - '");
        var process = fields[0] == ":nemesis" ? Op.NemesisProcess
            : int.TryParse(fields[0], out var p) && p >= 0 ? p
            : throw new HistoryFormatException(source, lineNo, $"process must be a number or :nemesis, not '{fields[0]}'");
        OpType type;
        try
        {
            type = JsonLinesHistory.ParseType(fields[1].TrimStart(':'));
        }
        catch (FormatException e)
        {
            throw new HistoryFormatException(source, lineNo, e.Message);
        }
        var f = fields[2].TrimStart(':');
        object? value = null;
        if (fields.Length == 4)
        {
            var edn = new EdnReader(new StringReader(fields[3]), source);
            try
            {
                value = edn.ReadForm();
            }
            catch (HistoryFormatException e)
            {
                throw new HistoryFormatException(source, lineNo, $"bad value: {e.Problem}");
            }
        }
        string? error = null;
        if (type == OpType.Info && value is Keyword { Name: "timed-out" })
        {
            // Jepsen prints the error in place of the value of a timed-out op.
            error = "timed-out";
            value = null;
        }
        return new Op(index, -1, process, type, f, value, null, error, lineNo);
    }
}
