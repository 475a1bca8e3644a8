using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>Reads results.json leniently: missing or mistyped fields become null instead of errors.</summary>
internal static class JsonValues
{
    /// <summary>A JSON value as the plain data Values.Format prints (long, double, string, bool, lists, maps).</summary>
    public static object? Plain(JToken? t) => t switch
    {
        null => null,
        JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
        JValue { Type: JTokenType.Integer } v => v.Value is System.Numerics.BigInteger b ? b : (object)Convert.ToInt64(v.Value),
        JValue { Type: JTokenType.Float } v => Convert.ToDouble(v.Value),
        JValue v => v.Value,
        JArray a => a.Select(Plain).ToList(),
        JObject o => o.Properties().ToDictionary(p => (object)p.Name, p => Plain(p.Value)),
        _ => t.ToString(),
    };

    /// <summary>A property looked up in either case style (the runner writes camelCase, a plain serializer PascalCase).</summary>
    public static JToken? Field(JToken? t, string name) =>
        t is JObject o ? o.GetValue(name, StringComparison.OrdinalIgnoreCase) : null;

    public static string? Text(JToken? t, string name) => Field(t, name) is JValue { Value: not null } v ? v.ToString() : null;

    public static long? Long(JToken? t, string name) =>
        Field(t, name) is JValue { Type: JTokenType.Integer or JTokenType.Float } v ? Convert.ToInt64(v.Value) : null;

    public static double? Double(JToken? t, string name) =>
        Field(t, name) is JValue { Type: JTokenType.Integer or JTokenType.Float } v ? Convert.ToDouble(v.Value) : null;

    public static bool? Bool(JToken? t, string name) => Field(t, name) is JValue { Type: JTokenType.Boolean } v ? (bool)v.Value! : null;
}
