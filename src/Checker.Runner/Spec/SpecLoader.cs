using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace Checker.Runner.Spec;

/// <summary>
/// Reads a test spec from JSON, applies command-line overrides, and rejects unknown fields and bad
/// values, naming the field. The database suite named by db.name owns the rest of the db and workload
/// sections: it supplies their defaults (so overrides know each field's type) and checks them.
/// </summary>
public static class SpecLoader
{
    static readonly JsonSerializer Writer = JsonSerializer.Create(
        new JsonSerializerSettings
        {
            ContractResolver = new CamelCasePropertyNamesContractResolver(),
            Formatting = Formatting.Indented,
        }
    );

    /// <summary>Loads a spec file and applies overrides such as ("nemesis.interval", "5") or ("time-limit",
    /// "30").</summary>
    public static TestSpec Load(string path, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"cannot read spec {path}: {e.Message}");
        }
        return Parse(text, path, overrides);
    }

    public static TestSpec Parse(
        string json,
        string source,
        IEnumerable<KeyValuePair<string, string>>? overrides = null
    )
    {
        JObject root;
        try
        {
            root = JObject.Parse(json);
        }
        catch (JsonReaderException e)
        {
            throw new SpecException($"{source}: not a JSON object: {e.Message}");
        }
        var flags = (overrides ?? []).ToList();
        var fileProvider = ProviderOf(root);
        var fileNodeFields = (root["nodes"] as JObject)?.Properties().Select(p => p.Name).ToList() ?? [];
        // The suite and workload names come first: they decide which other fields exist.
        foreach (var (name, value) in flags.Where(f => IsName(f.Key)))
            Override(root, name, value, Shape(root));
        foreach (var (name, value) in flags.Where(f => !IsName(f.Key)))
            Override(root, name, value, Shape(root));
        if (ProviderOf(root) != fileProvider)
            DropOtherProvidersFields(root, fileNodeFields, flags);
        foreach (var section in new[] { "db", "nodes", "workload", "client", "nemesis", "recovery", "checker" })
            if (root[section] is { Type: not JTokenType.Object } bad)
                throw new SpecException($"{source}: field '{section}' must be an object, not {Describe(bad.Type)}");
        RequireWholeNumbers(root, Shape(root), source);
        RejectNulls(root, Shape(root), source);
        // The suite's fields are set aside, read by the suite, and put back with their defaults.
        var common = (JObject)root.DeepClone();
        var dbFields = SetAside(common, "db", typeof(DbSpec));
        var workloadFields = SetAside(common, "workload", typeof(WorkloadSpec));
        var nodeFields = SetAside(common, "nodes", typeof(NodesSpec));
        TestSpec spec;
        try
        {
            spec = common.ToObject<TestSpec>(SpecSections.Strict) ?? throw new SpecException($"{source}: empty spec");
        }
        catch (JsonSerializationException e)
        {
            throw new SpecException($"{source}: {Explain(e.Path, e.Message, root)}");
        }
        catch (JsonReaderException e)
        {
            throw new SpecException($"{source}: {Explain(e.Path, e.Message, root)}");
        }
        spec.Db?.Settings = dbFields;
        spec.Workload?.Settings = workloadFields;
        spec.Nodes?.Settings = nodeFields;
        SpecValidator.Validate(spec); // from here on every section is there
        var provider = NodeProviders.Of(spec.Nodes!);
        spec.Nodes!.Settings = Merge(provider.DefaultSettings(), spec.Nodes.Settings);
        spec.Nodes.Count = provider.NodeCount(spec.Nodes); // ssh: one node per host
        var suite = DatabaseSuites.Find(spec.Db!.Name)!;
        spec.Db.Settings = Merge(suite.DefaultSettings(), spec.Db.Settings);
        spec.Workload!.Settings = Merge(suite.DefaultWorkloadSettings(spec.Workload.Name), spec.Workload.Settings);
        return spec;
    }

    /// <summary>The spec as JSON, as saved in the run folder.</summary>
    public static string ToJson(TestSpec spec)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Writer.Serialize(sw, spec);
        return sw.ToString();
    }

    /// <summary>Removes from root[section] every field the common type lacks, and returns them.</summary>
    static IDictionary<string, JToken> SetAside(JObject root, string section, Type common)
    {
        var fields = new Dictionary<string, JToken>();
        if (root[section] is not JObject o)
            return fields;
        var known = common.GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).ToHashSet();
        foreach (var p in o.Properties().Where(p => !known.Contains(p.Name)).ToList())
        {
            fields[p.Name] = p.Value;
            p.Remove();
        }
        return fields;
    }

    /// <summary>A whole-number field given a fraction is an error (the JSON reader would silently round it).</summary>
    static void RequireWholeNumbers(JToken given, JToken? shape, string source)
    {
        if (given is JObject o)
        {
            foreach (var p in o.Properties())
                RequireWholeNumbers(p.Value, (shape as JObject)?[p.Name], source);
            return;
        }
        if (shape?.Type == JTokenType.Integer && given.Type == JTokenType.Float)
        {
            var d = given.Value<double>();
            if (d != Math.Floor(d) || d is < int.MinValue or > int.MaxValue)
                throw new SpecException(
                    $"{source}: field '{given.Path}' needs a whole number, not {given.ToString(Formatting.None)}"
                );
        }
    }

    /// <summary>
    /// A null where the field has a value by default ("faults": null, "hosts": null) is an error naming it:
    /// null is kept for the fields whose default is null (no candidate build, no key file).
    /// </summary>
    static void RejectNulls(JObject given, JObject shape, string source)
    {
        foreach (var p in given.Properties())
        {
            if (shape[p.Name] is not { } expected)
                continue; // an unknown field: reported as such later
            if (p.Value.Type == JTokenType.Null && expected.Type != JTokenType.Null)
                throw new SpecException($"{source}: field '{p.Value.Path}' needs {Describe(expected.Type)}, not null");
            if (p.Value is JObject inner && expected is JObject innerShape)
                RejectNulls(inner, innerShape, source);
        }
    }

    static bool IsName(string flag) => Camelize(flag) is "db.name" or "workload.name" or "nodes.provider";

    /// <summary>Every field the spec may have, with its default: the common ones and the suite's.</summary>
    static JObject Shape(JObject root)
    {
        var shape = JObject.FromObject(new TestSpec(), Writer);
        // The named provider's fields, then every other provider's: a field of another provider is refused by name.
        var nodes = (JObject)shape["nodes"]!;
        var named = NodeProviders.Find((root["nodes"] as JObject)?["provider"]?.ToString() ?? new NodesSpec().Provider);
        foreach (var kind in NodeProviders.All.OrderBy(k => k == named ? 0 : 1))
        foreach (var field in kind.DefaultSettings().Properties().Where(p => nodes.Property(p.Name) is null))
            nodes.Add(field.Name, field.Value);
        var suite = DatabaseSuites.Find((root["db"] as JObject)?["name"]?.ToString() ?? new DbSpec().Name);
        if (suite is null)
            return shape;
        var workload = (root["workload"] as JObject)?["name"]?.ToString() ?? new WorkloadSpec().Name;
        ((JObject)shape["db"]!).Merge(suite.DefaultSettings());
        if (suite.Workloads.Contains(workload))
            ((JObject)shape["workload"]!).Merge(suite.DefaultWorkloadSettings(workload));
        return shape;
    }

    static IDictionary<string, JToken> Merge(JObject defaults, IDictionary<string, JToken> given)
    {
        foreach (var (k, v) in given)
            defaults[k] = v;
        return defaults.Properties().ToDictionary(p => p.Name, p => p.Value);
    }

    static string? ProviderOf(JObject root) =>
        (root["nodes"] as JObject)?["provider"]?.Type == JTokenType.String
            ? (string?)root["nodes"]!["provider"]
            : new NodesSpec().Provider;

    /// <summary>
    /// A provider chosen on the command line replaces the file's, and with it the file's fields for providers
    /// other than the chosen one (a spec made for netns nodes then runs on Docker); a field for another
    /// provider given on the command line too is still refused by the validator, naming it.
    /// </summary>
    static void DropOtherProvidersFields(
        JObject root,
        IReadOnlyList<string> fileFields,
        IReadOnlyList<KeyValuePair<string, string>> flags
    )
    {
        if (root["nodes"] is not JObject nodes || NodeProviders.Find(ProviderOf(root)) is not { } chosen)
            return;
        var own = chosen.DefaultSettings();
        var flagged = flags
            .Select(f => Camelize(f.Key))
            .Where(k => k.StartsWith("nodes.", StringComparison.Ordinal))
            .Select(k => k["nodes.".Length..])
            .ToHashSet();
        foreach (var field in fileFields)
            if (field is not ("provider" or "count") && own.Property(field) is null && !flagged.Contains(field))
                nodes.Remove(field);
    }

    /// <summary>Sets one field named by a dotted path (kebab-case or camelCase segments) from flag text.</summary>
    static void Override(JObject root, string name, string text, JObject shape)
    {
        var segments = Camelize(name).Split('.');
        JToken? at = shape;
        var target = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            at = (at as JObject)?[seg];
            if (at is null)
                throw new SpecException($"unknown field '{string.Join('.', segments[..(i + 1)])}' (flag --{name})");
            if (i == segments.Length - 1)
                break;
            if (target[seg] is not JObject child)
                target[seg] = child = new JObject();
            target = child;
        }
        target[segments[^1]] = ParseValue(text, at!, name);
    }

    static JToken ParseValue(string text, JToken shape, string flag)
    {
        switch (shape.Type)
        {
            case JTokenType.Array:
                return text.TrimStart().StartsWith('[')
                    ? JArray.Parse(text)
                    : new JArray(
                        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    );
            case JTokenType.Integer:
                return
                    long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                    && l is >= int.MinValue and <= int.MaxValue
                    ? new JValue(l)
                    : throw new SpecException($"field '{flag}' needs a whole number, not '{text}'");
            case JTokenType.Float:
                return
                    double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    && double.IsFinite(d)
                    ? new JValue(d)
                    : throw new SpecException($"field '{flag}' needs a number, not '{text}'");
            case JTokenType.Boolean:
                return bool.TryParse(text, out var b)
                    ? new JValue(b)
                    : throw new SpecException($"field '{flag}' needs true or false, not '{text}'");
            case JTokenType.Object:
                throw new SpecException(
                    $"field '{flag}' is a group; set one of its fields, e.g. "
                        + $"--{flag}.{((JObject)shape).Properties().First().Name}"
                );
            default:
                return text == "null" ? JValue.CreateNull() : new JValue(text);
        }
    }

    /// <summary>time-limit → timeLimit, per dotted segment.</summary>
    static string Camelize(string name) =>
        string.Join(
            '.',
            name.Split('.')
                .Select(s =>
                {
                    var parts = s.Split('-', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length == 0
                        ? s
                        : parts[0] + string.Concat(parts[1..].Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
                })
        );

    /// <summary>A deserialization error in the spec's own words: the field, and what kind of value it needs.</summary>
    static string Explain(string? path, string message, JObject root)
    {
        path ??= "";
        if (message.StartsWith("Could not find member", StringComparison.Ordinal))
            return $"unknown field '{path}'";
        var expected = Shape(root).SelectToken(path) is { } t ? Describe(t.Type) : "another kind of value";
        var given = root.SelectToken(path) is { } g ? $", not {Describe(g.Type)} {g.ToString(Formatting.None)}" : "";
        return $"field '{path}' needs {expected}{given}";
    }

    static string Describe(JTokenType t) =>
        t switch
        {
            JTokenType.Integer => "a whole number",
            JTokenType.Float => "a number",
            JTokenType.Boolean => "true or false",
            JTokenType.String => "text",
            JTokenType.Array => "a list",
            JTokenType.Object => "an object",
            JTokenType.Null => "null",
            _ => t.ToString().ToLowerInvariant(),
        };
}
