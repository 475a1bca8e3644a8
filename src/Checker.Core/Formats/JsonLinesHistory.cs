using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Checker.Core.History;
using Formatting = Newtonsoft.Json.Formatting;
using JsonTextWriter = Newtonsoft.Json.JsonTextWriter;
using JsonWriter = Newtonsoft.Json.JsonWriter;

namespace Checker.Core.Formats;

/// <summary>
/// Checker's native history format: one JSON object per line, streamed both ways (no line is ever
/// held as a whole file).
/// {"index":0,"time":1200,"process":3,"type":"invoke","f":"write","key":"k1","value":4}
/// "process" is a non-negative integer, or "nemesis"; "time" is non-negative nanoseconds since the test
/// began (a history either times every record or none); "key", "error" and "node" are optional.
/// "node" names the node a client op was sent to (see <see cref="Op.Node"/>).
/// Each line is read as strict JSON (RFC 8259): no comments, no leading zeros (010), no hexadecimal,
/// no NaN, Infinity or undefined, no single quotes, no trailing commas; anything else is bad input
/// naming the line.
/// </summary>
public static class JsonLinesHistory
{
    /// <summary>Reads ops as a stream, one line at a time; a bad line throws naming source and line.</summary>
    public static IEnumerable<Op> Read(TextReader input, string source, HistoryHeader? header = null)
    {
        var parser = new LineParser(source, header);
        var bytes = new byte[1024];
        var lines = new LineReader(input);
        while (lines.Next(out var line))
        {
            if (line.Span.Trim(" \t\r").IsEmpty)
                continue; // JSON's white space only
            var length = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (bytes.Length < length)
                bytes = new byte[Math.Max(length, bytes.Length * 2)];
            length = Encoding.UTF8.GetBytes(line.Span, bytes);
            if (parser.Parse(bytes.AsSpan(0, length), lines.Number) is { } op)
                yield return op;
        }
    }

    /// <summary>
    /// Reads a whole JSON Lines file from its bytes, as <see cref="Read"/> reads its text through a
    /// <see cref="GuardedReader"/>, with the same rules and messages, only faster: the bytes are read in large
    /// blocks, checked as UTF-8 a block at a time, and each line is parsed where it lies in the block (no chars,
    /// no string per line). A UTF-8 byte order mark at the start is skipped. Bytes that are not UTF-8 are bad
    /// input naming their line; the text ends at a NUL byte, after which only NULs and white space may follow
    /// (the padding a writer killed mid-run leaves: its line and length are given back), else it is bad input.
    /// A large file is read in two halves at once, split at a line's end, when that gives what one pass gives
    /// (see <see cref="ReadInHalves"/>).
    /// </summary>
    internal static List<Op> ReadFile(
        string path,
        string source,
        HistoryHeader? header,
        out (int Line, long Chars)? padding
    )
    {
        var length = new FileInfo(path).Length;
        if (
            length >= HalvesFrom
            && Environment.ProcessorCount > 1
            && ReadInHalves(path, length, source, header) is var (ops, pad)
        )
        {
            padding = pad;
            return ops;
        }
        using var stream = Open(path);
        var all = new List<Op>();
        padding = ReadBytes(stream, length, long.MaxValue, 0, fileStart: true, new LineParser(source, header), all);
        return all;
    }

    /// <summary>Files from this size on are read in two halves at once.</summary>
    internal static long HalvesFrom = 8 << 20;

    static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    /// <summary>
    /// The two halves of a file read at once, each by its own thread: the first from the start, the second from
    /// the first line's end past the middle (its line numbers counted on from the first half's). Null when that
    /// would not give what one pass gives, and the file is then read in one pass: the first half ends in a NUL
    /// (the rest is padding or damage), the first half has no op (a header may still come), or the second half's
    /// first op has no index (it takes the one before it plus one). A bad line in the first half is reported
    /// before one in the second, as one pass would.
    /// </summary>
    static (List<Op> Ops, (int Line, long Chars)? Padding)? ReadInHalves(
        string path,
        long length,
        string source,
        HistoryHeader? header
    )
    {
        long middle;
        using (var stream = Open(path))
        {
            stream.Position = length / 2;
            var probe = new byte[1 << 16];
            var n = stream.ReadAtLeast(probe, probe.Length, throwOnEndOfStream: false);
            var nl = probe.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl < 0)
                return null; // a very long line: one pass
            middle = length / 2 + nl + 1;
        }
        var first = new List<Op>();
        var second = new List<Op>();
        var secondParser = new LineParser(source, null) { UnknownStart = true };
        (int Line, long Chars)? secondPadding = null;
        var firstLines = 0;
        var counted = Task.Run(() =>
        {
            // The second half's lines are numbered on from the first's: count them while the first is read.
            using var stream = Open(path);
            var block = new byte[1 << 20];
            long left = middle;
            while (left > 0)
            {
                var n = stream.Read(block.AsSpan(0, (int)Math.Min(block.Length, left)));
                if (n == 0)
                    break;
                firstLines += block.AsSpan(0, n).Count((byte)'\n');
                left -= n;
            }
            using var rest = Open(path);
            rest.Position = middle;
            secondPadding = ReadBytes(
                rest,
                length - middle,
                long.MaxValue,
                firstLines,
                fileStart: false,
                secondParser,
                second
            );
        });
        (int Line, long Chars)? firstPadding;
        var firstParser = new LineParser(source, header);
        try
        {
            using var stream = Open(path);
            firstPadding = ReadBytes(stream, middle, middle, 0, fileStart: true, firstParser, first);
        }
        catch
        {
            secondParser.Abandoned = true; // the first half's bad line is the one to report
            try
            {
                counted.Wait();
            }
            catch (AggregateException) { }
            throw;
        }
        try
        {
            counted.Wait();
        }
        catch (AggregateException e) when (e.InnerException is SecondHalfUnknownStart)
        {
            return null;
        }
        catch (AggregateException e) when (firstPadding is null && first.Count > 0 && e.InnerException is { } bad)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(bad);
        }
        catch (AggregateException)
        {
            return null; // read in one pass, which says what is wrong
        }
        if (firstPadding is not null || first.Count == 0)
            return null;
        var all = new List<Op>(first.Count + second.Count);
        all.AddRange(first);
        all.AddRange(second);
        return (all, secondPadding);
    }

    /// <summary>The second half's first op has no index: it can only be read after the first half.</summary>
    sealed class SecondHalfUnknownStart : Exception;

    /// <summary>
    /// Parses the lines of up to limit bytes of the stream into ops (lines numbered from linesBefore + 1): the
    /// lines up to a NUL byte, whose padding (its line and how many NULs) is given back; null: none. Size is about
    /// how many bytes will be read (the list of ops is made that large at once).
    /// </summary>
    static (int Line, long Chars)? ReadBytes(
        Stream stream,
        long size,
        long limit,
        int linesBefore,
        bool fileStart,
        LineParser parser,
        List<Op> ops
    )
    {
        var source = parser.Source;
        var buffer = new byte[1 << 20];
        int start = 0, // the first byte not yet parsed
            end = 0; // the end of what was read
        var line = linesBefore; // lines parsed so far
        var ended = false;
        long left = limit;
        while (true)
        {
            var fresh = end; // the bytes before it hold no "\n" and no NUL (the start of a line)
            var want = (int)Math.Min(buffer.Length - end, left);
            var n = ended ? 0 : stream.ReadAtLeast(buffer.AsSpan(end, want), want, throwOnEndOfStream: false);
            left -= n;
            ended = n < want || left == 0;
            end += n;
            if (fileStart && line == 0 && fresh == 0 && buffer.AsSpan(0, end).StartsWith("\uFEFF"u8))
                start = 3; // a byte order mark
            // Complete lines only (a "\n" never splits a UTF-8 sequence), or everything at the end; up to a NUL.
            var lastNewline = buffer.AsSpan(fresh, end - fresh).LastIndexOf((byte)'\n');
            var complete =
                ended ? end
                : lastNewline >= 0 ? fresh + lastNewline + 1
                : start;
            var nul = buffer.AsSpan(start, end - start).IndexOf((byte)0);
            if (nul >= 0)
                complete = start + nul;
            var block = buffer.AsSpan(start, complete - start);
            if (ops.Count == 0 && block.Length >= 1 << 16 && size > block.Length)
            {
                // Room for the ops the text holds, judged by this block's lines: the list then never grows (each
                // growth copies it, and a large copy is work for the collector too).
                var lines = (double)block.Count((byte)'\n') * size / block.Length;
                ops.Capacity = (int)Math.Min(Array.MaxLength / 2, lines * 1.05 + 16);
            }
            // Bytes that are not UTF-8 are bad input at their line, once the lines before it are read (one of
            // those may be bad first).
            var valid = System.Text.Unicode.Utf8.IsValid(block) ? block.Length : ValidLines(block);
            var text = block[valid..];
            block = block[..valid];
            // Text after the NUL is damage, reported before the lines ahead of it (the line the NUL cut short
            // would be bad too); padding is reported once they are read.
            (int Line, long Chars)? padding = null;
            if (nul >= 0 && text.IsEmpty)
            {
                var at = line + block.Count((byte)'\n') + 1;
                padding = (at, Padding(stream, buffer.AsSpan(complete, end - complete), source, at));
            }
            while (!block.IsEmpty)
            {
                var nl = block.IndexOf((byte)'\n');
                var one = nl < 0 ? block : block[..nl];
                block = nl < 0 ? default : block[(nl + 1)..];
                line++;
                if (one.EndsWith("\r"u8))
                    one = one[..^1];
                if (one.TrimStart(" \t\r"u8).IsEmpty)
                    continue; // JSON's white space only
                if (parser.Parse(one, line) is { } op)
                    ops.Add(op);
            }
            if (!text.IsEmpty)
                throw new HistoryFormatException(
                    source,
                    line + 1,
                    $"not valid UTF-8 (at line {line + 1} or after): strings that cannot be read cannot be compared"
                );
            if (padding is not null)
                return padding;
            if (ended)
                return null;
            // Keep the partial line at the front; a line longer than the buffer doubles it.
            var rest = end - complete;
            if (rest == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            else
                buffer.AsSpan(complete, rest).CopyTo(buffer);
            start = 0;
            end = rest;
        }
    }

    /// <summary>How many bytes of the text are whole lines of UTF-8 before the first line that is not.</summary>
    static int ValidLines(ReadOnlySpan<byte> text)
    {
        var valid = 0;
        while (true)
        {
            var nl = text[valid..].IndexOf((byte)'\n');
            if (nl < 0 || !System.Text.Unicode.Utf8.IsValid(text.Slice(valid, nl)))
                return valid;
            valid += nl + 1;
        }
    }

    /// <summary>
    /// What follows the first NUL byte: only NULs and white space (counted: the NULs), else bad input, as
    /// <see cref="GuardedReader"/> judges it.
    /// </summary>
    static long Padding(Stream stream, ReadOnlySpan<byte> read, string source, int at)
    {
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var chars = new char[1 << 16];
        var more = new byte[1 << 16];
        long nuls = 0;
        void Judge(ReadOnlySpan<byte> bytes, bool flush)
        {
            while (true)
            {
                int used,
                    made;
                bool done;
                try
                {
                    decoder.Convert(bytes, chars, flush, out used, out made, out done);
                }
                catch (DecoderFallbackException)
                {
                    throw new HistoryFormatException(
                        source,
                        at,
                        "not valid UTF-8 after NUL bytes: the file is damaged"
                    );
                }
                foreach (var c in chars.AsSpan(0, made))
                {
                    if (c == '\0')
                        nuls++;
                    else if (!char.IsWhiteSpace(c))
                        throw new HistoryFormatException(
                            source,
                            at,
                            "a NUL byte, with more text after it: the file is damaged"
                        );
                }
                bytes = bytes[used..];
                if (done || bytes.IsEmpty)
                    return;
            }
        }
        Judge(read, flush: false);
        int n;
        while ((n = stream.Read(more)) > 0)
            Judge(more.AsSpan(0, n), flush: false);
        Judge([], flush: true);
        return nuls;
    }

    /// <summary>
    /// Turns lines into ops for one read of a history: the index an op without one takes, the header (allowed
    /// only before the first op), what records share, and bad lines as bad input naming source and line.
    /// </summary>
    sealed class LineParser(string source, HistoryHeader? header)
    {
        readonly Sharing sharing = new();
        long nextIndex;

        public string Source => source;

        /// <summary>Lines before these were read elsewhere: no header may come, and the first op needs an index
        /// (else <see cref="SecondHalfUnknownStart"/>).</summary>
        public bool UnknownStart { get; set; }

        /// <summary>Set when what this parser reads is no longer wanted: it stops at its next line.</summary>
        public volatile bool Abandoned;

        /// <summary>The line's op, or null for the header.</summary>
        public Op? Parse(ReadOnlySpan<byte> line, int number)
        {
            if (Abandoned)
                throw new OperationCanceledException();
            Op? op;
            try
            {
                var headerAllowed = nextIndex == 0 && !UnknownStart ? header ?? new HistoryHeader() : null;
                op = ParseLine(line, UnknownStart ? -1 : nextIndex, number, headerAllowed, sharing);
                if (UnknownStart && op is { Index: -1 })
                    throw new SecondHalfUnknownStart();
            }
            catch (JsonException e)
            {
                throw new HistoryFormatException(source, number, $"not a JSON object: {Plain(e)}");
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException)
            {
                throw new HistoryFormatException(source, number, e.Message);
            }
            if (op is null)
                return null; // the header
            nextIndex = op.Index + 1;
            UnknownStart = false;
            return op;
        }
    }

    /// <summary>
    /// The lines of a text, each handed out as a view of one reused buffer (no string per line: a history can
    /// have millions). Only "\n" ends a line, so line numbers agree with the other readers'; a "\r" before it
    /// is dropped.
    /// </summary>
    sealed class LineReader(TextReader input)
    {
        char[] buffer = new char[1 << 16];
        int start,
            end;
        bool ended;

        /// <summary>1-based number of the line last handed out.</summary>
        public int Number { get; private set; }

        /// <summary>The next line, valid until the next call; false at the end.</summary>
        public bool Next(out ReadOnlyMemory<char> line)
        {
            var searched = start;
            while (true)
            {
                var nl = Array.IndexOf(buffer, '\n', searched, end - searched);
                if (nl >= 0)
                {
                    line = Trim(buffer.AsMemory(start, nl - start));
                    start = nl + 1;
                    Number++;
                    return true;
                }
                if (ended)
                {
                    line = Trim(buffer.AsMemory(start, end - start));
                    var any = start < end;
                    start = end;
                    if (any)
                        Number++;
                    return any;
                }
                searched = end - start;
                if (start > 0)
                {
                    Array.Copy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2); // one long line
                var n = input.Read(buffer, end, buffer.Length - end);
                if (n == 0)
                    ended = true;
                end += n;
            }
        }

        static ReadOnlyMemory<char> Trim(ReadOnlyMemory<char> line) => line.Span.EndsWith('\r') ? line[..^1] : line;
    }

    /// <summary>System.Text.Json's message without its position (the line is named already) and its advice.</summary>
    static string Plain(JsonException e)
    {
        var message = e.Message;
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at > 0 ? message[..at] : message).TrimEnd(' ', '.', '|');
    }

    static readonly JsonReaderOptions Strict = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 256,
    };

    /// <summary>One line: an op, or (only before the first op, when header is given) the header: null.</summary>
    static Op? ParseLine(ReadOnlySpan<byte> line, long defaultIndex, int lineNo, HistoryHeader? header, Sharing sharing)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(Strict));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new FormatException("expected a JSON object");
        long index = defaultIndex,
            time = -1;
        int? process = null;
        OpType? type = null;
        string? f = null,
            error = null,
            node = null;
        object? key = null,
            value = null;
        var isHeader = false;
        var seen = 0; // the fields read so far, one bit each
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? NameOf(ref reader) : NameOf(reader.ValueSpan);
            if (field == Field.Header)
            {
                if (header is null)
                    throw new FormatException("a header record may only come before the first op");
                reader.Read();
                ReadHeader(ref reader, header);
                isHeader = true;
                continue;
            }
            if (field != Field.Other && (seen & (1 << (int)field)) != 0)
                throw new FormatException(
                    $"field \"{field.ToString().ToLowerInvariant()}\" appears twice: which one holds?"
                );
            seen |= 1 << (int)field;
            reader.Read();
            switch (field)
            {
                case Field.Index:
                    index = Integer(ref reader, "index");
                    break;
                case Field.Time:
                    time = Integer(ref reader, "time");
                    if (time < 0)
                        throw new FormatException(
                            $"field \"time\" must not be negative ({time}): times count from the test's start"
                        );
                    break;
                case Field.Process:
                    process = Process(ref reader);
                    break;
                case Field.Node:
                    node =
                        reader.TokenType == JsonTokenType.String
                            ? sharing.Name(ref reader)
                            : throw new FormatException("field \"node\" must be a string");
                    break;
                case Field.Type:
                    type = Type(ref reader);
                    break;
                case Field.F:
                    f =
                        reader.TokenType == JsonTokenType.String
                            ? sharing.Name(ref reader)
                            : throw new FormatException("field \"f\" must be a string");
                    break;
                case Field.Key:
                    key = ReadValue(ref reader, sharing);
                    break;
                case Field.Value:
                    value = ReadValue(ref reader, sharing);
                    break;
                case Field.Error:
                    error = ReadValue(ref reader, sharing) switch
                    {
                        null => null,
                        string s => sharing.Name(s),
                        var other => Values.Format(other),
                    };
                    break;
                default:
                    ReadValue(ref reader, null);
                    break; // unknown fields: read strictly, then dropped
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
            throw new FormatException("truncated JSON object");
        if (reader.Read())
            throw new FormatException("text after the JSON object: one object per line");
        if (isHeader)
            return null;
        if (process is null)
            throw new FormatException("missing field \"process\"");
        if (type is null)
            throw new FormatException("missing field \"type\"");
        if (f is null)
            throw new FormatException("missing field \"f\"");
        value = sharing.Echo(process.Value, type.Value, value);
        return new Op(index, time, process.Value, type.Value, f, value, key, error, lineNo) { Node = node };
    }

    /// <summary>The field a name (as written, no escapes) stands for: told by its length and first byte.</summary>
    static Field NameOf(ReadOnlySpan<byte> name) =>
        name.Length switch
        {
            1 when name[0] == (byte)'f' => Field.F,
            3 when name.SequenceEqual("key"u8) => Field.Key,
            4 when name.SequenceEqual("time"u8) => Field.Time,
            4 when name.SequenceEqual("type"u8) => Field.Type,
            4 when name.SequenceEqual("node"u8) => Field.Node,
            5 when name.SequenceEqual("value"u8) => Field.Value,
            5 when name.SequenceEqual("index"u8) => Field.Index,
            5 when name.SequenceEqual("error"u8) => Field.Error,
            6 when name.SequenceEqual("header"u8) => Field.Header,
            7 when name.SequenceEqual("process"u8) => Field.Process,
            _ => Field.Other,
        };

    /// <summary>The field a name with escapes (\u0066 is f) stands for.</summary>
    static Field NameOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("header"u8) ? Field.Header
        : reader.ValueTextEquals("index"u8) ? Field.Index
        : reader.ValueTextEquals("time"u8) ? Field.Time
        : reader.ValueTextEquals("process"u8) ? Field.Process
        : reader.ValueTextEquals("node"u8) ? Field.Node
        : reader.ValueTextEquals("type"u8) ? Field.Type
        : reader.ValueTextEquals("f"u8) ? Field.F
        : reader.ValueTextEquals("key"u8) ? Field.Key
        : reader.ValueTextEquals("value"u8) ? Field.Value
        : reader.ValueTextEquals("error"u8) ? Field.Error
        : Field.Other;

    enum Field
    {
        Index,
        Time,
        Process,
        Node,
        Type,
        F,
        Key,
        Value,
        Error,
        Header,
        Other,
    }

    static long Integer(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.Number || IsFloat(r.ValueSpan))
            throw new FormatException($"field \"{field}\" must be an integer, not {Describe(ref r)}");
        return r.TryGetInt64(out var l)
            ? l
            : throw new FormatException($"field \"{field}\" is out of range ({Describe(ref r)}): it must fit 64 bits");
    }

    static bool IsFloat(ReadOnlySpan<byte> number) => number.IndexOfAny(".eE"u8) >= 0;

    /// <summary>A client process is a non-negative integer; the fault injector is "nemesis". Nothing else is a
    /// process.</summary>
    static int Process(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.String && r.ValueTextEquals("nemesis"u8))
            return Op.NemesisProcess;
        var integer = r.TokenType == JsonTokenType.Number && !IsFloat(r.ValueSpan);
        if (integer && r.TryGetInt64(out var l) && l is >= 0 and <= int.MaxValue)
            return (int)l;
        throw new FormatException(
            $"field \"process\" must be a non-negative integer or \"nemesis\", not {Describe(ref r)}"
        );
    }

    static void ReadHeader(ref Utf8JsonReader r, HistoryHeader header)
    {
        if (ReadValue(ref r, null) is not IDictionary<object, object?> fields)
            throw new FormatException("field \"header\" must be an object");
        if (fields.TryGetValue("start", out var start))
            header.Start =
                start is string s
                && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? t.ToUniversalTime()
                    : throw new FormatException(
                        $"header field \"start\" must be an ISO 8601 time, not {Values.Format(start)}"
                    );
        if (fields.TryGetValue("nodes", out var nodes))
            header.Nodes =
                nodes is List<object?> names && names.All(n => n is string)
                    ? names.Cast<string>().ToList()
                    : throw new FormatException(
                        $"header field \"nodes\" must be a list of node names, not {Values.Format(nodes)}"
                    );
    }

    static string Describe(ref Utf8JsonReader r) =>
        r.TokenType switch
        {
            JsonTokenType.String => $"the string {Values.Format(r.GetString())}",
            JsonTokenType.Number => Encoding.UTF8.GetString(r.ValueSpan),
            JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null => Encoding.UTF8.GetString(r.ValueSpan),
            JsonTokenType.StartArray => "an array",
            JsonTokenType.StartObject => "an object",
            var other => other.ToString(),
        };

    static OpType Type(ref Utf8JsonReader r) =>
        r.TokenType != JsonTokenType.String ? ParseType(null)
        : r.ValueTextEquals("invoke"u8) ? OpType.Invoke
        : r.ValueTextEquals("ok"u8) ? OpType.Ok
        : r.ValueTextEquals("fail"u8) ? OpType.Fail
        : r.ValueTextEquals("info"u8) ? OpType.Info
        : ParseType(r.GetString());

    internal static OpType ParseType(string? s) =>
        s switch
        {
            "invoke" => OpType.Invoke,
            "ok" => OpType.Ok,
            "fail" => OpType.Fail,
            "info" => OpType.Info,
            _ => throw new FormatException(
                $"field \"type\" must be invoke, ok, fail or info, not {(s is null ? "missing" : $"\"{s}\"")}"
            ),
        };

    static readonly object True = true,
        False = false;

    /// <summary>A JSON value as plain data: integers exact (long, or BigInteger however big), others double.</summary>
    static object? ReadValue(ref Utf8JsonReader r, Sharing? sharing, int depth = 0)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return True;
            case JsonTokenType.False:
                return False;
            case JsonTokenType.String:
                return r.GetString();
            case JsonTokenType.Number:
                var raw = r.ValueSpan;
                if (IsFloat(raw))
                    return r.TryGetDouble(out var d) && double.IsFinite(d)
                        ? d
                        : throw new FormatException($"{Encoding.UTF8.GetString(raw)} is past a double's range");
                if (r.TryGetInt64(out var l))
                    return sharing?.Integer(l) ?? Sharing.Small(l);
                var digits = Encoding.UTF8.GetString(raw);
                return BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                    list.Add(ReadValue(ref r, sharing, depth + 1));
                return list;
            case JsonTokenType.StartObject:
                // Entries first, then a dictionary of just their size: a history can hold a million small maps.
                var entries = sharing?.Entries(depth) ?? [];
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    var k = sharing is null ? r.GetString()! : sharing.Key(ref r);
                    r.Read();
                    entries.Add(KeyValuePair.Create((object)k, ReadValue(ref r, sharing, depth + 1)));
                }
                var map = new Dictionary<object, object?>(entries.Count, Values.Comparer!);
                foreach (var (k, v) in entries)
                    if (!map.TryAdd(k, v))
                        throw new FormatException($"key {Values.Format(k)} appears twice in one object");
                entries.Clear();
                return map;
            default:
                throw new FormatException($"unexpected JSON token {r.TokenType}");
        }
    }

    /// <summary>
    /// What one read of a history shares between its records so that a long history stays small in memory:
    /// one string per operation name, error, node and object key, one box per small integer, and the
    /// buffers maps are read into.
    /// </summary>
    sealed class Sharing
    {
        const int MaxNames = 4096; // errors may be unique messages: past this many, strings are no longer shared
        const int MaxKeys = 65_536; // keys can be data (a kv store's keys): past this many, new ones are not kept
        const long SmallFrom = -1024,
            SmallTo = 16383;
        static readonly object[] small = Enumerable
            .Range((int)SmallFrom, (int)(SmallTo - SmallFrom + 1))
            .Select(i => (object)(long)i)
            .ToArray();
        readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
        readonly Dictionary<string, string> keys = new(StringComparer.Ordinal);
        readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> keyLookup;
        readonly List<List<KeyValuePair<object, object?>>> buffers = [];

        readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> nameLookup;

        public Sharing()
        {
            keyLookup = keys.GetAlternateLookup<ReadOnlySpan<char>>();
            nameLookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public string Name(string s)
        {
            if (names.TryGetValue(s, out var shared))
                return shared;
            if (names.Count < MaxNames)
                names[s] = s;
            return s;
        }

        /// <summary>A string naming something (an f, a node): shared, and read with no new string when it is.</summary>
        public string Name(ref Utf8JsonReader r) => Shared(ref r, names, nameLookup, MaxNames);

        /// <summary>An object key: shared (up to a bound), and read without a new string when it is.</summary>
        public string Key(ref Utf8JsonReader r) => Shared(ref r, keys, keyLookup, MaxKeys);

        static string Shared(
            ref Utf8JsonReader r,
            Dictionary<string, string> table,
            Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup,
            int max
        )
        {
            if (r.HasValueSequence || r.ValueSpan.Length > 128)
                return r.GetString()!;
            Span<char> chars = stackalloc char[128];
            var n = r.CopyString(chars);
            if (lookup.TryGetValue(chars[..n], out var shared))
                return shared;
            shared = chars[..n].ToString();
            if (table.Count < max)
                table[shared] = shared;
            return shared;
        }

        /// <summary>A small integer's shared box (boxes never change: sharing them is safe), else a new one.</summary>
        public static object Small(long value) =>
            value is >= SmallFrom and <= SmallTo ? small[value - SmallFrom] : value;

        /// <summary>
        /// An integer's box: a small one's shared box, else the box of the same value read lately if there is one
        /// (a write's value comes back in its completion and in the reads after it), else a new one.
        /// </summary>
        public object Integer(long value)
        {
            if (value is >= SmallFrom and <= SmallTo)
                return small[value - SmallFrom];
            ref var slot = ref recent[(int)(value & (Recent - 1))];
            if (slot is long seen && seen == value)
                return slot;
            return slot = value;
        }

        const int Recent = 1 << 14;
        readonly object?[] recent = new object?[Recent];

        /// <summary>
        /// A completion that restates its invoke's map or list (a transfer's {from, to, amount}) gets the invoke's
        /// instance: equal values, held once. Values are never changed once read, so sharing them is safe.
        /// </summary>
        public object? Echo(int process, OpType type, object? value)
        {
            if (
                process == Op.NemesisProcess
                || value is not (System.Collections.IDictionary or System.Collections.IList)
            )
                return value;
            if (type == OpType.Invoke)
            {
                invoked[process] = value;
                return value;
            }
            return invoked.Remove(process, out var asked) && Values.Same(asked, value) ? asked : value;
        }

        readonly Dictionary<int, object?> invoked = [];

        public List<KeyValuePair<object, object?>> Entries(int depth)
        {
            while (buffers.Count <= depth)
                buffers.Add([]);
            return buffers[depth];
        }
    }

    /// <summary>Writes one op as one line (no trailing newline).</summary>
    public static void Write(TextWriter output, Op op)
    {
        using var w = new JsonTextWriter(output) { CloseOutput = false, Formatting = Formatting.None };
        w.WriteStartObject();
        w.WritePropertyName("index");
        w.WriteValue(op.Index);
        w.WritePropertyName("time");
        w.WriteValue(op.Time);
        w.WritePropertyName("process");
        if (op.IsNemesis)
            w.WriteValue("nemesis");
        else
            w.WriteValue(op.Process);
        w.WritePropertyName("type");
        w.WriteValue(op.Type.ToString().ToLowerInvariant());
        w.WritePropertyName("f");
        w.WriteValue(op.F);
        if (op.Key is not null)
        {
            w.WritePropertyName("key");
            WriteValue(w, op.Key);
        }
        w.WritePropertyName("value");
        WriteValue(w, op.Value);
        if (op.Error is not null)
        {
            w.WritePropertyName("error");
            w.WriteValue(op.Error);
        }
        if (op.Node is not null)
        {
            w.WritePropertyName("node");
            w.WriteValue(op.Node);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes the header record, one line: it must come before the first op.</summary>
    public static void WriteHeader(TextWriter output, HistoryHeader header)
    {
        using var w = new JsonTextWriter(output) { CloseOutput = false, Formatting = Formatting.None };
        w.WriteStartObject();
        w.WritePropertyName("header");
        w.WriteStartObject();
        if (header.Start is { } start)
        {
            w.WritePropertyName("start");
            w.WriteValue(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }
        if (header.Nodes is { } nodes)
        {
            w.WritePropertyName("nodes");
            w.WriteStartArray();
            foreach (var n in nodes)
                w.WriteValue(n);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        output.Write('\n');
    }

    /// <summary>Writes a whole history, one op per line.</summary>
    public static void WriteAll(TextWriter output, IEnumerable<Op> ops)
    {
        foreach (var op in ops)
        {
            Write(output, op);
            output.Write('\n');
        }
    }

    static void WriteValue(JsonWriter w, object? v)
    {
        switch (v)
        {
            case null:
                w.WriteNull();
                break;
            case System.Collections.IDictionary m:
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry e in m)
                {
                    w.WritePropertyName(e.Key as string ?? Values.Format(e.Key));
                    WriteValue(w, e.Value);
                }
                w.WriteEndObject();
                break;
            case string s:
                w.WriteValue(s);
                break;
            // JSON has none of these: they are written as strings, ":a", "1/2", "\\a".
            case Keyword or Symbol or NilKey or Ratio or Character:
                w.WriteValue(v.ToString());
                break;
            case System.Numerics.BigInteger b:
                w.WriteRawValue(b.ToString(CultureInfo.InvariantCulture));
                break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (var x in items)
                    WriteValue(w, x);
                w.WriteEndArray();
                break;
            default:
                w.WriteValue(v);
                break;
        }
    }
}
