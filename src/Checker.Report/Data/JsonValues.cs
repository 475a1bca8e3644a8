using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>JSON values as the plain data Values.Format prints and compares.</summary>
internal static class JsonValues
{
    /// <summary>long (BigInteger beyond 64 bits), double, string, bool, lists and maps.</summary>
    public static object? Plain(JToken? t) =>
        t switch
        {
            null => null,
            JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
            JValue { Type: JTokenType.Integer } v => v.Value is System.Numerics.BigInteger b
            && (b < long.MinValue || b > long.MaxValue)
                ? b
                : (object)Convert.ToInt64(v.Value),
            JValue { Type: JTokenType.Float } v => Convert.ToDouble(v.Value),
            JValue v => v.Value,
            JArray a => a.Select(Plain).ToList(),
            JObject o => o.Properties().ToDictionary(p => (object)p.Name, p => Plain(p.Value)),
            _ => t.ToString(),
        };
}
