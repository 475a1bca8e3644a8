using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>
/// A check's Details as the report uses them, whether they are the checker's own objects (a fresh check)
/// or JSON read back from results.json (a regenerated report).
/// </summary>
public static class DetailsViews
{
    /// <summary>The linearizability failure, if this result carries one.</summary>
    public static KeyFailure? Failure(CheckResult result) => result.Details switch
    {
        LinearizabilityReport r => r.Failure,
        JToken j when JsonValues.Field(j, "failure") is JObject f => ReadFailure(f),
        _ => null,
    };

    /// <summary>The stats checker's figures for all ops together, if this result carries them.</summary>
    public static OpStats? AllStats(CheckResult result) => result.Details switch
    {
        StatsReport s => s.All,
        JToken j when JsonValues.Field(j, "all") is JObject a => ReadStats(a),
        _ => null,
    };

    /// <summary>The stats checker's figures per f.</summary>
    public static IReadOnlyList<OpStats> StatsByF(CheckResult result) => result.Details switch
    {
        StatsReport s => s.ByF,
        JToken j when JsonValues.Field(j, "byF") is JArray a => a.OfType<JObject>().Select(ReadStats).ToList(),
        _ => [],
    };

    static OpStats ReadStats(JObject o) => new(
        JsonValues.Text(o, "f") ?? "?",
        (int)(JsonValues.Long(o, "ok") ?? 0), (int)(JsonValues.Long(o, "fail") ?? 0), (int)(JsonValues.Long(o, "info") ?? 0),
        (int)(JsonValues.Long(o, "pending") ?? 0), JsonValues.Double(o, "okPerSecond") ?? 0,
        JsonValues.Double(o, "latencyP50Ms"), JsonValues.Double(o, "latencyP95Ms"), JsonValues.Double(o, "latencyP99Ms"),
        JsonValues.Double(o, "latencyMaxMs"));

    static KeyFailure? ReadFailure(JObject f)
    {
        var failed = ReadOp(JsonValues.Field(f, "failed"));
        if (failed is null) return null;
        return new KeyFailure(
            JsonValues.Plain(JsonValues.Field(f, "key")),
            failed,
            ReadOp(JsonValues.Field(f, "lastLinearized")),
            ReadOps(JsonValues.Field(f, "prefix")),
            Strings(JsonValues.Field(f, "states")),
            ReadOps(JsonValues.Field(f, "minimal")),
            JsonValues.Bool(f, "minimalIsMinimal") ?? false,
            Strings(JsonValues.Field(f, "minimalStartsFrom")),
            ReadOp(JsonValues.Field(f, "minimalStartsAfter")));
    }

    static List<string> Strings(JToken? t) =>
        (t as JArray)?.Select(s => s.Type == JTokenType.String ? (string)s! : s.ToString()).ToList() ?? [];

    static List<OpView> ReadOps(JToken? t) => t is JArray a ? a.Select(ReadOp).OfType<OpView>().ToList() : [];

    static OpView? ReadOp(JToken? t)
    {
        if (t is not JObject o) return null;
        return new OpView(
            (int)(JsonValues.Long(o, "process") ?? 0),
            JsonValues.Text(o, "f") ?? "?",
            JsonValues.Plain(JsonValues.Field(o, "key")),
            JsonValues.Plain(JsonValues.Field(o, "input")),
            JsonValues.Plain(JsonValues.Field(o, "output")),
            JsonValues.Bool(o, "crashed") ?? false,
            JsonValues.Long(o, "invokeIndex") ?? -1,
            JsonValues.Long(o, "completionIndex"),
            JsonValues.Long(o, "call") ?? 0,
            JsonValues.Long(o, "return"),
            (int)(JsonValues.Long(o, "line") ?? 0));
    }
}
