using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace Checker.Runner.Spec;

/// <summary>Reads and writes the suite-owned parts of a spec section strictly: an unknown field is an error naming
/// it.</summary>
public static class SpecSections
{
    /// <summary>Unknown members are errors; lists and objects given replace the defaults.</summary>
    internal static readonly JsonSerializer Strict = JsonSerializer.Create(
        new JsonSerializerSettings
        {
            MissingMemberHandling = MissingMemberHandling.Error,
            ContractResolver = new CamelCasePropertyNamesContractResolver(),
            ObjectCreationHandling = ObjectCreationHandling.Replace,
        }
    );

    /// <summary>The fields of `section` (e.g. "db") beyond its common ones, as T; defaults fill what is
    /// absent.</summary>
    public static T Read<T>(IDictionary<string, JToken> fields, string section)
        where T : new()
    {
        try
        {
            return new JObject(fields.Select(kv => new JProperty(kv.Key, kv.Value))).ToObject<T>(Strict) ?? new T();
        }
        catch (JsonSerializationException e)
            when (e.Message.StartsWith("Could not find member", StringComparison.Ordinal))
        {
            throw new SpecException($"unknown field '{section}.{e.Path}'");
        }
        catch (JsonException e)
        {
            var path = (e as JsonSerializationException)?.Path ?? (e as JsonReaderException)?.Path;
            throw new SpecException($"field '{section}.{path}': bad value ({e.Message.Split(". Path")[0]})");
        }
    }

    public static JObject ToJson(object settings) =>
        JObject.FromObject(
            settings,
            JsonSerializer.Create(
                new JsonSerializerSettings { ContractResolver = new CamelCasePropertyNamesContractResolver() }
            )
        );
}
