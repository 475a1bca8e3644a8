using System.Globalization;
using Checker.Core.History;
using Newtonsoft.Json;

namespace Checker.Core.Formats;

/// <summary>
/// Checker's native history format: one JSON object per line, streamed both ways (no line is ever
/// held as a whole file).
/// {"index":0,"time":1200,"process":3,"type":"invoke","f":"write","key":"k1","value":4}
/// "process" is a number, or "nemesis"; "key" and "error" are optional.
/// </summary>
public static class JsonLinesHistory
{
    /// <summary>Reads ops as a stream, one JSON reader for the whole input; a bad line throws naming source and line.</summary>
    public static IEnumerable<Op> Read(TextReader input, string source)
    {
        using var reader = new JsonTextReader(input)
        {
            SupportMultipleContent = true,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            CloseInput = false,
        };
        long nextIndex = 0;
        while (true)
        {
            Op op;
            var line = reader.LineNumber;
            try
            {
                if (!reader.Read()) yield break;
                line = reader.LineNumber;
                if (reader.TokenType != JsonToken.StartObject) throw new FormatException("expected a JSON object");
                op = ParseObject(reader, nextIndex, line);
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
            yield return op;
        }
    }

    static Op ParseObject(JsonTextReader reader, long defaultIndex, int lineNo)
    {
        long index = defaultIndex, time = -1;
        int? process = null;
        OpType? type = null;
        string? f = null, error = null;
        object? key = null, value = null;
        while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
        {
            var name = (string)reader.Value!;
            if (!reader.Read()) break;
            switch (name)
            {
                case "index": index = Integer(reader, name); break;
                case "time": time = Integer(reader, name); break;
                case "process":
                    process = reader.TokenType == JsonToken.String && (string)reader.Value! == "nemesis"
                        ? Op.NemesisProcess
                        : checked((int)Integer(reader, name));
                    break;
                case "type": type = ParseType(reader.Value as string); break;
                case "f": f = reader.Value as string ?? throw new FormatException("field \"f\" must be a string"); break;
                case "key": key = ReadValue(reader); break;
                case "value": value = ReadValue(reader); break;
                case "error": error = ReadValue(reader) switch { null => null, string s => s, var other => Values.Format(other) }; break;
                default: reader.Skip(); break; // unknown fields are tolerated and dropped
            }
        }
        if (reader.TokenType != JsonToken.EndObject) throw new FormatException("truncated JSON object");
        if (process is null) throw new FormatException("missing field \"process\"");
        if (type is null) throw new FormatException("missing field \"type\"");
        if (f is null) throw new FormatException("missing field \"f\"");
        return new Op(index, time, process.Value, type.Value, f, value, key, error, lineNo);
    }

    static long Integer(JsonTextReader r, string field) => r.TokenType switch
    {
        JsonToken.Integer => Convert.ToInt64(r.Value, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"field \"{field}\" must be an integer, not {Describe(r)}"),
    };

    static string Describe(JsonTextReader r) => r.Value is null ? r.TokenType.ToString() : $"{r.TokenType} {r.Value}";

    internal static OpType ParseType(string? s) => s switch
    {
        "invoke" => OpType.Invoke,
        "ok" => OpType.Ok,
        "fail" => OpType.Fail,
        "info" => OpType.Info,
        _ => throw new FormatException($"field \"type\" must be invoke, ok, fail or info, not {(s is null ? "missing" : $"\"{s}\"")}"),
    };

    static object? ReadValue(JsonTextReader r)
    {
        switch (r.TokenType)
        {
            case JsonToken.Null or JsonToken.Undefined: return null;
            case JsonToken.Integer: return r.Value is System.Numerics.BigInteger b ? (double)b : Convert.ToInt64(r.Value, CultureInfo.InvariantCulture);
            case JsonToken.Float: return Convert.ToDouble(r.Value, CultureInfo.InvariantCulture);
            case JsonToken.String or JsonToken.Boolean: return r.Value;
            case JsonToken.StartArray:
                var list = new List<object?>();
                while (r.Read() && r.TokenType != JsonToken.EndArray) list.Add(ReadValue(r));
                if (r.TokenType != JsonToken.EndArray) throw new FormatException("truncated JSON array");
                return list;
            case JsonToken.StartObject:
                var map = new Dictionary<object, object?>(Values.Comparer!);
                while (r.Read() && r.TokenType == JsonToken.PropertyName)
                {
                    var k = (string)r.Value!;
                    r.Read();
                    map[k] = ReadValue(r);
                }
                if (r.TokenType != JsonToken.EndObject) throw new FormatException("truncated JSON object");
                return map;
            default: throw new FormatException($"unexpected JSON token {r.TokenType}");
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
        w.WriteEndObject();
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
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (var x in items) WriteValue(w, x);
                w.WriteEndArray();
                break;
            default: w.WriteValue(v); break;
        }
    }
}
