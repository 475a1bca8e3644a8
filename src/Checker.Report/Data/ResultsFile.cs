using Checker.Core.Checks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Data;

/// <summary>What a run's results.json says, read leniently: the runner's shape may grow, and older runs may lack fields.</summary>
public sealed record RunResults(string? Test, string? Run, Verdict? Verdict, bool Interrupted, IReadOnlyList<CheckResult> Checks, JObject Raw);

public static class ResultsFile
{
    /// <summary>Reads results.json; a file that is not a JSON object throws ReportInputException naming it.</summary>
    public static RunResults Read(string path)
    {
        JObject root;
        try
        {
            using var reader = new JsonTextReader(File.OpenText(path)) { DateParseHandling = DateParseHandling.None };
            root = JToken.ReadFrom(reader) as JObject ?? throw new ReportInputException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ReportInputException($"{path}: not valid JSON: {e.Message}", e);
        }
        var checks = new List<CheckResult>();
        switch (JsonValues.Field(root, "checks"))
        {
            // The runner writes { "linearizable": { verdict, summary, details }, ... }.
            case JObject byName:
                foreach (var p in byName.Properties()) checks.Add(ReadCheck(p.Name, p.Value));
                break;
            // A list of CheckResult records, as a plain serializer would write them.
            case JArray list:
                foreach (var item in list) checks.Add(ReadCheck(JsonValues.Text(item, "checker") ?? "check", item));
                break;
        }
        return new RunResults(JsonValues.Text(root, "test"), JsonValues.Text(root, "run"), ParseVerdict(JsonValues.Text(root, "verdict")),
            JsonValues.Bool(root, "interrupted") ?? false, checks, root);
    }

    static CheckResult ReadCheck(string name, JToken t) => new(
        name,
        ParseVerdict(JsonValues.Text(t, "verdict")) ?? Verdict.Unknown,
        JsonValues.Text(t, "summary") ?? "",
        JsonValues.Field(t, "details") is { Type: not JTokenType.Null } d ? d : null);

    public static Verdict? ParseVerdict(string? s) => s?.ToLowerInvariant() switch
    {
        "valid" or "true" => Verdict.Valid,
        "invalid" or "false" => Verdict.Invalid,
        "unknown" => Verdict.Unknown,
        "notjudged" or "not judged" => Verdict.NotJudged,
        _ => null,
    };
}
