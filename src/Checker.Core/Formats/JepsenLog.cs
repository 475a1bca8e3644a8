using System.Text.RegularExpressions;
using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>
/// Jepsen's text log (jepsen.log, or its console output), as Jepsen writes it: log records, one of which per
/// op, logged by jepsen.util (or jepsen.print) as "process TAB type TAB f TAB value [TAB error]":
/// "INFO  jepsen.util - 3	:invoke	:cas	[1 4]" (log4j), or
/// "2024-01-02 10:00:00,123{GMT}	INFO	[jepsen worker 3] jepsen.util: 3	:invoke	:cas	[1 4]" (logback).
/// Fields may also be separated by spaces. Every other record (setup output however long, "Relative time
/// begins now", the checker's results) and the lines a multi-line record continues on are skipped, and a
/// note says how many. Lines before any log record are no log output: when they are most of the file it
/// is no Jepsen log, and reading it as one would judge a few stray lines, so it is refused.
/// Times are absent, so ops are ordered by line.
/// </summary>
public static partial class JepsenLog
{
    static readonly string[] Markers = ["jepsen.util - ", "jepsen.util: ", "jepsen.print - ", "jepsen.print: "];

    /// <param name="notes">Receives what the reading skipped, when anything was.</param>
    public static IEnumerable<Op> Read(TextReader input, string source, List<string>? notes = null)
    {
        int lineNo = 0,
            lines = 0,
            read = 0,
            logLines = 0,
            foreign = 0,
            firstForeign = 0;
        var inLog = false;
        long index = 0;
        while (input.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            lines++;
            if (OpMessage(line) is { } message)
            {
                inLog = true;
                read++;
                yield return ParseLine(message, index++, source, lineNo);
            }
            else if (inLog || IsRecord(line))
            {
                inLog = true; // a record, or a line of a record's message (a stack trace, the test's map)
                logLines++;
            }
            else
            {
                foreign++;
                if (firstForeign == 0)
                    firstForeign = lineNo;
            }
        }
        if (foreign * 2 > lines)
            throw new HistoryFormatException(
                source,
                firstForeign,
                $"not a Jepsen log: {foreign} of its {lines} lines (from line {firstForeign}) come before any log "
                    + $"record, so they would be skipped and the history judged on the {read} op lines found; "
                    + "is the format right (--format)?"
            );
        if (notes is not null && logLines + foreign > 0)
        {
            var before = foreign > 0 ? $", {foreign} before the first log record, from line {firstForeign}" : "";
            notes.Add(
                $"read as a Jepsen log: {read} op lines read, {logLines + foreign} of {lines} lines skipped "
                    + $"({logLines} other log output{before})"
            );
        }
    }

    /// <summary>True if the text looks like a Jepsen log: one of its lines is a log record or an op line.</summary>
    internal static bool Looks(string text)
    {
        foreach (var line in text.Split('\n'))
            if (IsRecord(line) || OpMessage(line) is not null)
                return true;
        return false;
    }

    /// <summary>A log record's first line: a level at the line's start, after an optional date and time.</summary>
    static bool IsRecord(string line) => RecordStart().IsMatch(line);

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\d([ T][0-9:,.]+)?(\{\w+\}|Z)?\s+)?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b")]
    private static partial Regex RecordStart();

    static readonly string[] Types = [":invoke", ":ok", ":fail", ":info"];

    /// <summary>
    /// The op part of an op line ("3	:invoke	:read	nil"), or null for any other line. The op logger's name must
    /// stand outside any quoted text (a JSON or EDN string that mentions it is no log line), and its message
    /// must begin as an op does: a process, then a type keyword.
    /// </summary>
    static string? OpMessage(string line)
    {
        foreach (var marker in Markers)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || line.AsSpan(0, at).Contains('"'))
                continue;
            var message = line[(at + marker.Length)..];
            var fields = message.Split((char[])['\t', ' '], 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
                continue;
            var process = fields[0] == ":nemesis" || (fields[0].Length > 0 && fields[0].All(char.IsAsciiDigit));
            if (Types.Contains(fields[1]) || (process && fields[1].StartsWith(':')))
                return message;
        }
        return null;
    }

    static Op ParseLine(string message, long index, string source, int lineNo)
    {
        // Jepsen separates the fields with tabs (a printed value never holds a raw tab); older logs and
        // hand-written ones use spaces, and then nothing may follow the value.
        var tabbed = message.Contains('\t');
        var fields = tabbed
            ? message.Split('\t', 5, StringSplitOptions.TrimEntries)
            : message.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        if (tabbed)
            fields = fields.Where((f, i) => i >= 3 || f.Length > 0).ToArray(); // runs of tabs before the value
        if (fields.Length < 3)
            throw new HistoryFormatException(source, lineNo, "expected 'process type f value' in an op line");
        var process =
            fields[0] == ":nemesis" ? Op.NemesisProcess
            : int.TryParse(fields[0], out var p) && p >= 0 ? p
            : throw new HistoryFormatException(
                source,
                lineNo,
                $"process must be a number or :nemesis, not '{fields[0]}'"
            );
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
        if (fields.Length >= 4 && fields[3].Length > 0)
        {
            var edn = new EdnReader(new StringReader(fields[3]), source);
            try
            {
                value = edn.ReadForm();
                if (!edn.AtEnd)
                    throw new HistoryFormatException(source, lineNo, $"more than one value in '{fields[3]}'");
            }
            catch (HistoryFormatException e)
            {
                throw new HistoryFormatException(source, lineNo, $"bad value: {e.Problem}");
            }
        }
        string? error = fields.Length == 5 && fields[4].Length > 0 ? ErrorText(fields[4]) : null;
        if (type == OpType.Info && error is null && value is Keyword { Name: "timed-out" })
        {
            // Older Jepsen printed the error in place of the value of a timed-out op.
            error = "timed-out";
            value = null;
        }
        return new Op(index, -1, process, type, f, value, null, error, lineNo);
    }

    /// <summary>The error as the other readers give it: a keyword's or string's name, else the printed text.</summary>
    static string ErrorText(string printed)
    {
        try
        {
            var edn = new EdnReader(new StringReader(printed), "error");
            if (Names.Of(edn.ReadForm()) is { } name && edn.AtEnd)
                return name;
        }
        catch (HistoryFormatException) { }
        return printed;
    }
}
