using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Checker.Core.Workloads;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>What a run's results.json says: the run, its verdict, and each check with its details typed
/// again.</summary>
/// <param name="Raw">The whole file, for the fields only a page shows (seed, ok/s, ...).</param>
public sealed record RunResults(
    string? Test,
    string? Run,
    Verdict? Verdict,
    bool Interrupted,
    IReadOnlyList<CheckResult> Checks,
    JObject Raw
);

/// <summary>
/// Reads results.json back into the records that wrote it (ResultsJson's shape: checks keyed by name,
/// each {verdict, summary, details}); the details of the checkers the report draws become their report
/// records again, and values (keys, inputs, outputs) become plain data.
/// </summary>
public static class ResultsFile
{
    static readonly JsonSerializer Reader = JsonSerializer.Create(
        new JsonSerializerSettings(ResultsJson.Settings)
        {
            Converters = { new Newtonsoft.Json.Converters.StringEnumConverter(), new PlainValueConverter() },
            DateParseHandling = DateParseHandling.None,
        }
    );

    /// <summary>The detail record of each checker every run has, by the checker's name.</summary>
    static readonly Dictionary<string, Type> CommonDetailTypes = new()
    {
        ["linearizable"] = typeof(LinearizabilityReport),
        ["stats"] = typeof(StatsReport),
        ["recovery"] = typeof(RecoveryReport),
    };

    /// <summary>The detail record a checker writes: a common one's, or its workload's (named as it).</summary>
    static Type? DetailType(string checker) =>
        CommonDetailTypes.GetValueOrDefault(checker) ?? WorkloadCatalog.Find(checker)?.DetailType;

    /// <summary>Reads results.json; a file that is not what the runner writes throws ReportInputException naming
    /// it.</summary>
    public static RunResults Read(string path)
    {
        try
        {
            using var reader = new JsonTextReader(File.OpenText(path)) { DateParseHandling = DateParseHandling.None };
            var root =
                JToken.ReadFrom(reader) as JObject ?? throw new ReportInputException($"{path}: not a JSON object");
            var checks = (root["checks"] as JObject)?.Properties().Select(p => ReadCheck(p.Name, p.Value)).ToList()
                ?? [];
            return new RunResults(
                (string?)root["test"],
                (string?)root["run"],
                root["verdict"]?.ToObject<Verdict?>(Reader),
                (bool?)root["interrupted"] ?? false,
                checks,
                root
            );
        }
        catch (JsonException e)
        {
            throw new ReportInputException($"{path}: not results as Checker writes them: {e.Message}", e);
        }
    }

    static CheckResult ReadCheck(string name, JToken t)
    {
        var details = t["details"] is { Type: not JTokenType.Null } d
            ? DetailType(name) is { } type
                ? d.ToObject(type, Reader)
                : d
            : null;
        return new CheckResult(
            name,
            t["verdict"]?.ToObject<Verdict>(Reader) ?? Verdict.Unknown,
            (string?)t["summary"] ?? "",
            details
        );
    }

    /// <summary>Values typed `object` in the records (keys, inputs, outputs) come back as the plain data Values
    /// compares.</summary>
    sealed class PlainValueConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(object);

        public override bool CanWrite => false;

        public override object? ReadJson(
            JsonReader reader,
            Type objectType,
            object? existingValue,
            JsonSerializer serializer
        ) => JsonValues.Plain(JToken.ReadFrom(reader));

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) =>
            throw new NotSupportedException();
    }
}
