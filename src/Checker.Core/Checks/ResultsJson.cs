using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace Checker.Core.Checks;

/// <summary>
/// How check results are written as JSON everywhere (results.json, `checker check --json`):
/// camelCase names and enum words; dictionary keys are kept as they are, since they can be data
/// from the history (a kv store's keys) or node names.
/// </summary>
public static class ResultsJson
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new DefaultContractResolver
        {
            NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false },
        },
        Converters = { new StringEnumConverter(new CamelCaseNamingStrategy()) },
        Formatting = Formatting.Indented,
        NullValueHandling = NullValueHandling.Include,
    };

    /// <summary>Each check as {verdict, summary, details}, keyed by the checker's name.</summary>
    public static Dictionary<string, object?> Checks(IEnumerable<CheckResult> results) =>
        results.ToDictionary(
            c => c.Checker,
            c =>
                (object?)
                    new
                    {
                        c.Verdict,
                        c.Summary,
                        c.Details,
                    }
        );

    public static string Serialize(object value) => JsonConvert.SerializeObject(value, Settings);
}
