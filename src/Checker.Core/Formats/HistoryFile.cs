using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>The history formats Checker reads.</summary>
public enum HistoryFormat { Auto, JsonLines, Edn, JepsenLog }

/// <summary>Opens a history file in any supported format, detecting the format from its first content.</summary>
public static class HistoryFile
{
    public static HistoryFormat ParseFormat(string name) => name.ToLowerInvariant() switch
    {
        "auto" => HistoryFormat.Auto,
        "jsonl" or "json" or "jsonlines" => HistoryFormat.JsonLines,
        "edn" => HistoryFormat.Edn,
        "log" or "jepsen-log" or "text" => HistoryFormat.JepsenLog,
        _ => throw new ArgumentException($"unknown format '{name}' (use auto, jsonl, edn or log)"),
    };

    /// <summary>Reads every op of the file; throws HistoryFormatException naming the file and line.</summary>
    public static List<Op> Load(string path, HistoryFormat format = HistoryFormat.Auto)
    {
        using var reader = new StreamReader(path, new System.Text.UTF8Encoding(false), true, 1 << 16);
        return Read(reader, path, format).ToList();
    }

    public static IEnumerable<Op> Read(TextReader reader, string source, HistoryFormat format = HistoryFormat.Auto)
    {
        if (format == HistoryFormat.Auto)
        {
            var buffered = new PeekableReader(reader);
            format = Detect(buffered.Head, source);
            reader = buffered;
        }
        return format switch
        {
            HistoryFormat.JsonLines => JsonLinesHistory.Read(reader, source),
            HistoryFormat.Edn => EdnHistory.Read(reader, source),
            _ => JepsenLog.Read(reader, source),
        };
    }

    /// <summary>Guesses the format from the start of the text: JSON objects, EDN forms, or Jepsen log lines.</summary>
    public static HistoryFormat Detect(string head, string source)
    {
        if (JepsenLog.Looks(head)) return HistoryFormat.JepsenLog;
        var i = 0;
        while (i < head.Length)
        {
            if (char.IsWhiteSpace(head[i]) || head[i] == ',') i++;
            else if (head[i] == ';') { while (i < head.Length && head[i] != '\n') i++; }
            else break;
        }
        if (i == head.Length) return HistoryFormat.JsonLines; // empty: any reader yields nothing
        var c = head[i];
        if (c == '{')
        {
            var j = i + 1;
            while (j < head.Length && char.IsWhiteSpace(head[j])) j++;
            return j < head.Length && head[j] == '"' ? HistoryFormat.JsonLines : HistoryFormat.Edn;
        }
        if (c is '[' or '(' or '#') return HistoryFormat.Edn;
        throw new HistoryFormatException(source, 1, "cannot tell the history's format (JSON Lines, EDN or Jepsen log); pass --format");
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
            if (pos >= head.Length) return inner.Read(buffer, index, count);
            var n = Math.Min(count, head.Length - pos);
            head.CopyTo(pos, buffer, index, n);
            pos += n;
            return n;
        }

        public override string? ReadLine()
        {
            if (pos >= head.Length) return inner.ReadLine();
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
