using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>The history formats Checker reads.</summary>
public enum HistoryFormat
{
    Auto,
    JsonLines,
    Edn,
    JepsenLog,
}

/// <summary>A history as read from a file, with what the reading noticed.</summary>
/// <param name="Notes">Things a person should know about the input (NUL padding cut off, records without
/// times).</param>
public sealed record LoadedHistory(
    List<Op> Ops,
    HistoryFormat Format,
    IReadOnlyList<string> Notes,
    HistoryHeader Header
);

/// <summary>Opens a history file in any supported format, detecting the format from its first content.</summary>
public static class HistoryFile
{
    public static HistoryFormat ParseFormat(string name) =>
        name.ToLowerInvariant() switch
        {
            "auto" => HistoryFormat.Auto,
            "jsonl" or "json" or "jsonlines" => HistoryFormat.JsonLines,
            "edn" => HistoryFormat.Edn,
            "log" or "jepsen-log" or "text" => HistoryFormat.JepsenLog,
            _ => throw new UnknownFormatException($"unknown format '{name}' (use auto, jsonl, edn or log)"),
        };

    /// <summary>Reads every op of the file; throws HistoryFormatException naming the file and line.</summary>
    public static List<Op> Load(string path, HistoryFormat format = HistoryFormat.Auto) => Open(path, format).Ops;

    /// <summary>
    /// Reads every op of the file with what the reading noticed. Invalid UTF-8, a NUL byte with text
    /// after it, a negative or out-of-range time, and records out of order (<see cref="HistoryOrder"/>)
    /// are bad input naming the line; a file that ends in NUL padding is read up to it, and a note says so.
    /// </summary>
    public static LoadedHistory Open(string path, HistoryFormat format = HistoryFormat.Auto)
    {
        if (Directory.Exists(path))
            throw new HistoryFormatException(path, 0, "is a folder, not a history file");
        var header = new HistoryHeader();
        var notes = new List<string>();
        List<Op>? ops = null;
        HistoryFormat used;
        (int Line, long Chars)? padding = null;
        using (var reader = new GuardedReader(File.OpenRead(path), path))
        {
            // The format is told from the text's start (bad bytes there are bad input as the text reader says).
            var text = format == HistoryFormat.Auto ? new PeekableReader(reader) : null;
            used = text is null ? format : Detect(text.Head, path);
            if (used != HistoryFormat.JsonLines || StartsWithUtf16Or32Mark(path))
            {
                ops = Read(text ?? (TextReader)reader, path, used, header, notes, out _).ToList();
                padding = reader.Padding;
            }
        }
        if (ops is null)
        {
            // JSON Lines, by far the largest histories, is read from its bytes with the same rules.
            ops = JsonLinesHistory.ReadFile(path, path, header, out padding);
        }
        HistoryOrder.Check(ops, path);
        if (padding is { } pad)
            notes.Add(
                $"the file ends in {pad.Chars:N0} NUL bytes from line {pad.Line} on (what a writer killed mid-run "
                    + $"leaves); the {ops.Count} records before them were read"
            );
        var untimed = ops.Count(o => o.Time < 0);
        if (untimed > 0 && untimed < ops.Count)
            notes.Add(
                $"{untimed} of {ops.Count} records have no time: the history is ordered by position and recovery "
                    + $"is not judged"
            );
        ops = QueueDrains.Expand(ops, path, notes);
        return new LoadedHistory(ops, used, notes, header);
    }

    /// <summary>
    /// A history with no client operation says nothing about the system: there is nothing to judge, and
    /// VALID would be a guess. Throws naming the file and how it was read.
    /// </summary>
    public static void RequireClientOps(LoadedHistory history, string source, bool formatForced)
    {
        if (history.Ops.Any(o => !o.IsNemesis))
            return;
        var how = $"read as {Describe(history.Format)}{(formatForced ? " (as --format asked)" : "")}";
        throw new HistoryFormatException(
            source,
            0,
            history.Ops.Count == 0
                ? $"no records: the file has no history ({how}){(formatForced ? "; is the format right?" : "")}"
                : $"no client operation among its {history.Ops.Count} records ({how}): nothing to judge"
        );
    }

    /// <summary>A byte order mark of UTF-16 or UTF-32, which the text reader decodes (JSON Lines is read from bytes as
    /// UTF-8 otherwise).</summary>
    static bool StartsWithUtf16Or32Mark(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        var n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        head = head[..n];
        return head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])
            || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]);
    }

    public static string Describe(HistoryFormat f) =>
        f switch
        {
            HistoryFormat.JsonLines => "JSON Lines",
            HistoryFormat.Edn => "EDN",
            HistoryFormat.JepsenLog => "a Jepsen log",
            _ => "auto",
        };

    public static IEnumerable<Op> Read(TextReader reader, string source, HistoryFormat format = HistoryFormat.Auto) =>
        Read(reader, source, format, null, null, out _);

    static IEnumerable<Op> Read(
        TextReader reader,
        string source,
        HistoryFormat format,
        HistoryHeader? header,
        List<string>? notes,
        out HistoryFormat used
    )
    {
        if (format == HistoryFormat.Auto)
        {
            var buffered = new PeekableReader(reader);
            format = Detect(buffered.Head, source);
            reader = buffered;
        }
        used = format;
        return format switch
        {
            HistoryFormat.JsonLines => JsonLinesHistory.Read(reader, source, header),
            HistoryFormat.Edn => EdnHistory.Read(reader, source),
            _ => JepsenLog.Read(reader, source, notes),
        };
    }

    /// <summary>
    /// Tells the format from the structure of the text's start: a JSON object ({ then a quoted name) is JSON
    /// Lines, any other map, vector, list or tagged form is EDN, and text whose lines include a log record
    /// (a level such as INFO at a line's start) or a Jepsen op line is a Jepsen log. Text inside a record
    /// never decides it.
    /// </summary>
    public static HistoryFormat Detect(string head, string source)
    {
        var i = 0;
        while (i < head.Length)
        {
            if (char.IsWhiteSpace(head[i]) || head[i] == ',')
                i++;
            else if (head[i] == ';')
            {
                while (i < head.Length && head[i] != '\n')
                    i++;
            }
            else
                break;
        }
        if (i == head.Length)
            return HistoryFormat.JsonLines; // empty: any reader yields nothing
        var c = head[i];
        if (c == '{')
        {
            var j = i + 1;
            while (j < head.Length && char.IsWhiteSpace(head[j]))
                j++;
            return j < head.Length && head[j] is '"' or '}' ? HistoryFormat.JsonLines : HistoryFormat.Edn;
        }
        if (c is '[' or '(' or '#')
            return HistoryFormat.Edn;
        if (JepsenLog.Looks(head[i..]))
            return HistoryFormat.JepsenLog;
        throw new HistoryFormatException(
            source,
            1,
            "cannot tell the history's format (JSON Lines, EDN or Jepsen log); pass --format"
        );
    }

    /// <summary>A reader that shows its first few KB for detection, then yields the whole text.</summary>
    sealed class PeekableReader : TextReader
    {
        readonly TextReader inner;
        readonly string head;
        int pos;

        public PeekableReader(TextReader inner)
        {
            this.inner = inner;
            var buf = new char[8192];
            var n = inner.ReadBlock(buf, 0, buf.Length);
            head = new string(buf, 0, n);
        }

        public string Head => head;

        public override int Peek() => pos < head.Length ? head[pos] : inner.Peek();

        public override int Read() => pos < head.Length ? head[pos++] : inner.Read();

        public override int Read(char[] buffer, int index, int count)
        {
            if (pos >= head.Length)
                return inner.Read(buffer, index, count);
            var n = Math.Min(count, head.Length - pos);
            head.CopyTo(pos, buffer, index, n);
            pos += n;
            return n;
        }

        public override string? ReadLine()
        {
            if (pos >= head.Length)
                return inner.ReadLine();
            var nl = head.IndexOf('\n', pos);
            if (nl >= 0)
            {
                var line = head[pos..nl].TrimEnd('\r');
                pos = nl + 1;
                return line;
            }
            var rest = head[pos..];
            pos = head.Length;
            var more = inner.ReadLine();
            return (rest + more).TrimEnd('\r');
        }
    }
}

/// <summary>A format name no reader answers to: a mistake in the call.</summary>
public sealed class UnknownFormatException(string message) : ArgumentException(message);
