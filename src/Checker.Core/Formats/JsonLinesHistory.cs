using System.Globalization;
using Checker.Core.History;
using Newtonsoft.Json;

namespace Checker.Core.Formats;

/// <summary>
/// Checker's native history format: one JSON object per line, streamed both ways (no line is ever
/// held as a whole file).
/// {"index":0,"time":1200,"process":3,"type":"invoke","f":"write","key":"k1","value":4}
/// "process" is a non-negative integer, or "nemesis"; "time" is non-negative nanoseconds since the test
/// began (a history either times every record or none); "key", "error" and "node" are optional.
/// "node" names the node a client op was sent to (see <see cref="Op.Node"/>).
/// </summary>
public static class JsonLinesHistory
{
    /// <summary>Reads ops as a stream, one JSON reader for the whole input; a bad line throws naming source and line.</summary>
    public static IEnumerable<Op> Read(TextReader input, string source, HistoryHeader? header = null)
    {
        using var reader = new JsonTextReader(input)
        {
            SupportMultipleContent = true,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            CloseInput = false,
            // Object keys repeat on every line ("index", a bank read's "0".."7"): one string each, not one per line.
            PropertyNameTable = new SharedNames(),
        };
        long nextIndex = 0;
        var sharing = new Sharing();
        while (true)
        {
            Op op;
            var line = reader.LineNumber;
            try
            {
                if (!reader.Read()) yield break;
                line = reader.LineNumber;
                if (reader.TokenType != JsonToken.StartObject) throw new FormatException("expected a JSON object");
                var parsed = ParseObject(reader, nextIndex, line, nextIndex == 0 ? header ?? new HistoryHeader() : null, sharing);
                if (parsed is null) continue; // the header
                op = parsed;
            }
            catch (JsonException e)
            {
                throw new HistoryFormatException(source, Math.Max(line, reader.LineNumber), $"not a JSON object: {e.Message}");
            }
            catch (FormatException e)
            {
                throw new HistoryFormatException(source, line, e.Message);
            }
            catch (OverflowException e)
            {
                throw new HistoryFormatException(source, line, e.Message);
            }
            nextIndex = op.Index + 1;
            yield return sharing.Echo(op);
        }
    }

    /// <summary>One record: an op, or (only before the first op, when header is given) the header, returning null.</summary>
    static Op? ParseObject(JsonTextReader reader, long defaultIndex, int lineNo, HistoryHeader? header, Sharing sharing)
    {
        long index = defaultIndex, time = -1;
        int? process = null;
        OpType? type = null;
        string? f = null, error = null, node = null;
        object? key = null, value = null;
        while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
        {
            var name = (string)reader.Value!;
            if (!reader.Read()) break;
            switch (name)
            {
                case "header" when header is not null:
                    ReadHeader(reader, header);
                    while (reader.Read() && reader.TokenType == JsonToken.PropertyName) reader.Skip();
                    if (reader.TokenType != JsonToken.EndObject) throw new FormatException("truncated JSON object");
                    return null;
                case "header": throw new FormatException("a header record may only come before the first op");
                case "index": index = Integer(reader, name); break;
                case "time":
                    time = Integer(reader, name);
                    if (time < 0) throw new FormatException($"field \"time\" must not be negative ({time}): times count from the test's start");
                    break;
                case "process": process = Process(reader); break;
                case "node": node = reader.TokenType == JsonToken.String ? sharing.Name((string)reader.Value!) : throw new FormatException("field \"node\" must be a string"); break;
                case "type": type = ParseType(reader.Value as string); break;
                case "f": f = reader.Value is string fs ? sharing.Name(fs) : throw new FormatException("field \"f\" must be a string"); break;
                case "key": key = ReadValue(reader, sharing); break;
                case "value": value = ReadValue(reader, sharing); break;
                case "error": error = ReadValue(reader, sharing) switch { null => null, string s => sharing.Name(s), var other => Values.Format(other) }; break;
                default: reader.Skip(); break; // unknown fields are tolerated and dropped
            }
        }
        if (reader.TokenType != JsonToken.EndObject) throw new FormatException("truncated JSON object");
        if (process is null) throw new FormatException("missing field \"process\"");
        if (type is null) throw new FormatException("missing field \"type\"");
        if (f is null) throw new FormatException("missing field \"f\"");
        return new Op(index, time, process.Value, type.Value, f, value, key, error, lineNo) { Node = node };
    }

    static long Integer(JsonTextReader r, string field) => r.TokenType switch
    {
        JsonToken.Integer when r.Value is long l => l,
        JsonToken.Integer => throw new FormatException($"field \"{field}\" is out of range ({r.Value}): it must fit in 64 bits"),
        _ => throw new FormatException($"field \"{field}\" must be an integer, not {Describe(r)}"),
    };

    /// <summary>A client process is a non-negative integer; the fault injector is "nemesis". Nothing else is a process.</summary>
    static int Process(JsonTextReader r)
    {
        if (r.TokenType == JsonToken.String && (string)r.Value! == "nemesis") return Op.NemesisProcess;
        if (r.TokenType == JsonToken.Integer && r.Value is long l && l is >= 0 and <= int.MaxValue) return (int)l;
        throw new FormatException($"field \"process\" must be a non-negative integer or \"nemesis\", not {Describe(r)}");
    }

    static void ReadHeader(JsonTextReader r, HistoryHeader header)
    {
        if (ReadValue(r) is not IDictionary<object, object?> fields) throw new FormatException("field \"header\" must be an object");
        if (fields.TryGetValue("start", out var start))
            header.Start = start is string s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? t.ToUniversalTime()
                : throw new FormatException($"header field \"start\" must be an ISO 8601 time, not {Values.Format(start)}");
        if (fields.TryGetValue("nodes", out var nodes))
            header.Nodes = nodes is List<object?> names && names.All(n => n is string)
                ? names.Cast<string>().ToList()
                : throw new FormatException($"header field \"nodes\" must be a list of node names, not {Values.Format(nodes)}");
    }

    static string Describe(JsonTextReader r) => r.Value is null ? r.TokenType.ToString() : $"{r.TokenType} {r.Value}";

    internal static OpType ParseType(string? s) => s switch
    {
        "invoke" => OpType.Invoke,
        "ok" => OpType.Ok,
        "fail" => OpType.Fail,
        "info" => OpType.Info,
        _ => throw new FormatException($"field \"type\" must be invoke, ok, fail or info, not {(s is null ? "missing" : $"\"{s}\"")}"),
    };

    static object? ReadValue(JsonTextReader r, Sharing? sharing = null, int depth = 0)
    {
        switch (r.TokenType)
        {
            case JsonToken.Null or JsonToken.Undefined: return null;
            case JsonToken.Integer: return r.Value is long l ? Sharing.Integer(l, r.Value) : r.Value is System.Numerics.BigInteger ? r.Value : Convert.ToInt64(r.Value, CultureInfo.InvariantCulture); // exact, however big
            case JsonToken.Float: return Convert.ToDouble(r.Value, CultureInfo.InvariantCulture);
            case JsonToken.String or JsonToken.Boolean: return r.Value;
            case JsonToken.StartArray:
                var list = new List<object?>();
                while (r.Read() && r.TokenType != JsonToken.EndArray) list.Add(ReadValue(r, sharing, depth + 1));
                if (r.TokenType != JsonToken.EndArray) throw new FormatException("truncated JSON array");
                return list;
            case JsonToken.StartObject:
                // Entries first, then a dictionary of just their size: a history can hold a million small maps.
                var entries = sharing?.Entries(depth) ?? [];
                while (r.Read() && r.TokenType == JsonToken.PropertyName)
                {
                    var k = (string)r.Value!;
                    r.Read();
                    entries.Add(KeyValuePair.Create((object)k, ReadValue(r, sharing, depth + 1)));
                }
                if (r.TokenType != JsonToken.EndObject) throw new FormatException("truncated JSON object");
                var map = new Dictionary<object, object?>(entries.Count, Values.Comparer!);
                foreach (var (k, v) in entries) map[k] = v;
                entries.Clear();
                return map;
            default: throw new FormatException($"unexpected JSON token {r.TokenType}");
        }
    }

    /// <summary>The object keys read so far, handed out again instead of a new string each time (up to a bound).</summary>
    sealed class SharedNames : JsonNameTable
    {
        const int Max = 65_536; // keys can be data (a kv store's keys): past this many, new ones are not kept
        readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
        readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;

        public SharedNames() => lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The shared string for these characters; null past the bound, and the reader makes its own.</summary>
        public override string? Get(char[] key, int start, int length)
        {
            var chars = key.AsSpan(start, length);
            if (lookup.TryGetValue(chars, out var name)) return name;
            if (names.Count >= Max) return null;
            name = chars.ToString();
            names[name] = name;
            return name;
        }
    }

    /// <summary>
    /// What one read of a history shares between its records so that a long history stays small in memory:
    /// one string per operation name, error and node, one box per small integer, and the buffers maps are read into.
    /// </summary>
    sealed class Sharing
    {
        const int MaxNames = 4096; // errors may be unique messages: past this many, strings are no longer shared
        const long SmallFrom = -1024, SmallTo = 16383;
        static readonly object[] Small = Enumerable.Range((int)SmallFrom, (int)(SmallTo - SmallFrom + 1)).Select(i => (object)(long)i).ToArray();
        readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
        readonly List<List<KeyValuePair<object, object?>>> buffers = [];

        public string Name(string s)
        {
            if (names.TryGetValue(s, out var shared)) return shared;
            if (names.Count < MaxNames) names[s] = s;
            return s;
        }

        /// <summary>A small integer's shared box (boxes never change, so sharing them is safe), else the reader's own.</summary>
        public static object Integer(long value, object box) => value is >= SmallFrom and <= SmallTo ? Small[value - SmallFrom] : box;

        /// <summary>
        /// A completion that restates its invoke's map or list (a transfer's {from, to, amount}) gets the invoke's
        /// instance: equal values, held once. Values are never changed once read, so sharing them is safe.
        /// </summary>
        public Op Echo(Op op)
        {
            if (op.IsNemesis || op.Value is not (System.Collections.IDictionary or System.Collections.IList)) return op;
            if (op.Type == OpType.Invoke)
            {
                invoked[op.Process] = op.Value;
                return op;
            }
            return invoked.Remove(op.Process, out var asked) && Values.Same(asked, op.Value) ? op with { Value = asked } : op;
        }

        readonly Dictionary<int, object?> invoked = [];

        public List<KeyValuePair<object, object?>> Entries(int depth)
        {
            while (buffers.Count <= depth) buffers.Add([]);
            return buffers[depth];
        }
    }

    /// <summary>Writes one op as one line (no trailing newline).</summary>
    public static void Write(TextWriter output, Op op)
    {
        using var w = new JsonTextWriter(output) { CloseOutput = false, Formatting = Formatting.None };
        w.WriteStartObject();
        w.WritePropertyName("index"); w.WriteValue(op.Index);
        w.WritePropertyName("time"); w.WriteValue(op.Time);
        w.WritePropertyName("process");
        if (op.IsNemesis) w.WriteValue("nemesis"); else w.WriteValue(op.Process);
        w.WritePropertyName("type"); w.WriteValue(op.Type.ToString().ToLowerInvariant());
        w.WritePropertyName("f"); w.WriteValue(op.F);
        if (op.Key is not null) { w.WritePropertyName("key"); WriteValue(w, op.Key); }
        w.WritePropertyName("value"); WriteValue(w, op.Value);
        if (op.Error is not null) { w.WritePropertyName("error"); w.WriteValue(op.Error); }
        if (op.Node is not null) { w.WritePropertyName("node"); w.WriteValue(op.Node); }
        w.WriteEndObject();
    }

    /// <summary>Writes the header record, one line: it must come before the first op.</summary>
    public static void WriteHeader(TextWriter output, HistoryHeader header)
    {
        using var w = new JsonTextWriter(output) { CloseOutput = false, Formatting = Formatting.None };
        w.WriteStartObject();
        w.WritePropertyName("header");
        w.WriteStartObject();
        if (header.Start is { } start) { w.WritePropertyName("start"); w.WriteValue(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)); }
        if (header.Nodes is { } nodes)
        {
            w.WritePropertyName("nodes");
            w.WriteStartArray();
            foreach (var n in nodes) w.WriteValue(n);
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
            case null: w.WriteNull(); break;
            case System.Collections.IDictionary m:
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry e in m)
                {
                    w.WritePropertyName(e.Key as string ?? Values.Format(e.Key));
                    WriteValue(w, e.Value);
                }
                w.WriteEndObject();
                break;
            case string s: w.WriteValue(s); break;
            case Keyword or Symbol or NilKey: w.WriteValue(v.ToString()); break; // JSON has no keywords: ":a", a string
            case System.Numerics.BigInteger b: w.WriteRawValue(b.ToString(CultureInfo.InvariantCulture)); break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (var x in items) WriteValue(w, x);
                w.WriteEndArray();
                break;
            default: w.WriteValue(v); break;
        }
    }
}
