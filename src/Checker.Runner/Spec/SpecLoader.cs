using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace Checker.Runner.Spec;

/// <summary>Reads a test spec from JSON, applies command-line overrides, and rejects unknown fields and bad values.</summary>
public static class SpecLoader
{
    static readonly JsonSerializer Strict = JsonSerializer.Create(new JsonSerializerSettings
    {
        MissingMemberHandling = MissingMemberHandling.Error,
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        ObjectCreationHandling = ObjectCreationHandling.Replace,
    });

    static readonly JsonSerializer Writer = JsonSerializer.Create(new JsonSerializerSettings
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Formatting = Formatting.Indented,
    });

    /// <summary>Loads a spec file and applies overrides such as ("nemesis.interval", "5") or ("time-limit", "30").</summary>
    public static TestSpec Load(string path, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new SpecException($"cannot read spec {path}: {e.Message}"); }
        return Parse(text, path, overrides);
    }

    public static TestSpec Parse(string json, string source, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        JObject root;
        try { root = JObject.Parse(json); }
        catch (JsonReaderException e) { throw new SpecException($"{source}: not a JSON object: {e.Message}"); }
        foreach (var (name, value) in overrides ?? []) Override(root, name, value);
        TestSpec spec;
        try { spec = root.ToObject<TestSpec>(Strict) ?? throw new SpecException($"{source}: empty spec"); }
        catch (JsonSerializationException e) { throw new SpecException($"{source}: {Explain(e)}"); }
        catch (JsonReaderException e) { throw new SpecException($"{source}: field '{e.Path}': bad value ({e.Message.Split(". Path")[0]})"); }
        SpecValidator.Validate(spec);
        return spec;
    }

    /// <summary>The spec as JSON, as saved in the run folder.</summary>
    public static string ToJson(TestSpec spec)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Writer.Serialize(sw, spec);
        return sw.ToString();
    }

    /// <summary>Sets one field named by a dotted path (kebab-case or camelCase segments) from flag text.</summary>
    static void Override(JObject root, string name, string text)
    {
        var segments = name.Split('.').Select(Camel).ToArray();
        var spec = JObject.FromObject(new TestSpec(), Writer); // the defaults tell each field's JSON type
        JToken? shape = spec;
        JObject target = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            shape = (shape as JObject)?[seg];
            if (shape is null) throw new SpecException($"unknown field '{string.Join('.', segments[..(i + 1)])}' (flag --{name})");
            if (i == segments.Length - 1) break;
            if (target[seg] is not JObject child) target[seg] = child = new JObject();
            target = child;
        }
        target[segments[^1]] = ParseValue(text, shape!, name);
    }

    static JToken ParseValue(string text, JToken shape, string flag)
    {
        switch (shape.Type)
        {
            case JTokenType.Array:
                return text.TrimStart().StartsWith('[')
                    ? JArray.Parse(text)
                    : new JArray(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            case JTokenType.Integer or JTokenType.Float:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? (d == Math.Floor(d) && shape.Type == JTokenType.Integer ? new JValue((long)d) : new JValue(d))
                    : throw new SpecException($"field '{flag}' needs a number, not '{text}'");
            case JTokenType.Boolean:
                return bool.TryParse(text, out var b) ? new JValue(b) : throw new SpecException($"field '{flag}' needs true or false, not '{text}'");
            case JTokenType.Object:
                throw new SpecException($"field '{flag}' is a group; set one of its fields, e.g. --{flag}.{((JObject)shape).Properties().First().Name}");
            default:
                return text == "null" ? JValue.CreateNull() : new JValue(text);
        }
    }

    /// <summary>time-limit → timeLimit.</summary>
    static string Camel(string s)
    {
        var parts = s.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? s : parts[0] + string.Concat(parts[1..].Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    static string Explain(JsonSerializationException e)
    {
        var path = e.Path ?? "";
        if (e.Message.StartsWith("Could not find member", StringComparison.Ordinal))
            return $"unknown field '{path}'";
        return $"field '{path}': bad value ({e.InnerException?.Message ?? e.Message.Split(". Path")[0]})";
    }
}
