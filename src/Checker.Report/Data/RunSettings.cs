using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>
/// What set one run apart from the others of its test, for the runs index: the command-line overrides
/// when the run recorded them (results.json "overrides": {"workload.sync-reads": "false"}), else the
/// fields of its spec.json whose values differ from the value most runs of that test had.
/// </summary>
public static class RunSettings
{
    /// <summary>The overrides a run recorded, or null when it recorded none.</summary>
    public static IReadOnlyDictionary<string, string>? Recorded(string runDir)
    {
        var t = ReadJson(Path.Combine(runDir, "results.json"));
        if (t?["overrides"] is not JObject o)
            return null;
        return o.Properties()
            .ToDictionary(
                p => p.Name,
                p => p.Value.Type == JTokenType.String ? (string)p.Value! : p.Value.ToString(Formatting.None)
            );
    }

    /// <summary>Every leaf of a run's spec.json by dotted name ("workload.syncReads" → "false"); empty without
    /// one.</summary>
    public static Dictionary<string, string> Spec(string runDir)
    {
        var leaves = new Dictionary<string, string>();
        void Walk(JToken t, string prefix)
        {
            if (t is JObject o)
                foreach (var p in o.Properties())
                    Walk(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}");
            else
                leaves[prefix] = t.Type == JTokenType.String ? (string)t! : t.ToString(Formatting.None);
        }
        if (ReadJson(Path.Combine(runDir, "spec.json")) is { } spec)
            Walk(spec, "");
        return leaves;
    }

    /// <summary>Per run, the spec fields whose values differ from the most common value among the given runs'
    /// specs.</summary>
    public static List<Dictionary<string, string>> Differences(IReadOnlyList<Dictionary<string, string>> specs)
    {
        var usual = specs
            .SelectMany(s => s.Keys)
            .Distinct()
            .ToDictionary(
                k => k,
                k =>
                    specs
                        .Select(s => s.GetValueOrDefault(k))
                        .GroupBy(v => v)
                        .OrderByDescending(g => g.Count())
                        .First()
                        .Key
            );
        return specs
            .Select(s =>
                s.Where(kv => usual[kv.Key] != kv.Value && kv.Key != "seed").ToDictionary(kv => kv.Key, kv => kv.Value)
            )
            .ToList();
    }

    static JToken? ReadJson(string path)
    {
        try
        {
            return File.Exists(path) ? JToken.Parse(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
