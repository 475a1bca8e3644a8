using System.Globalization;
using Checker.Core.Checks;
using Checker.Runner.Spec;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Suites;

/// <summary>One test of a suite: a spec with its overrides, run Repeat times.</summary>
/// <param name="Label">How the summary and JUnit name it: the spec's test name and its own overrides.</param>
/// <param name="Overrides">Every override applied (the member's, then the command line's), recorded in
/// results.json.</param>
/// <param name="Expect">The verdict the test should reach: valid, or invalid for a self-test on a build with a known
/// bug.</param>
public sealed record SuiteMember(
    string Label,
    TestSpec Spec,
    int Repeat,
    IReadOnlyList<KeyValuePair<string, string>> Overrides,
    Verdict Expect = Verdict.Valid
);

/// <summary>
/// What `checker run` is given: spec files, or suite files (a JSON list of {spec, overrides, repeat},
/// spec paths relative to the suite file), or both. Everything is loaded and validated before any test
/// starts, so a typo in the fifth member fails the suite at once instead of after four runs.
/// </summary>
public static class SuiteFile
{
    /// <summary>The members the paths name; commandLine overrides apply to every member, after the member's
    /// own.</summary>
    public static List<SuiteMember> Load(
        IEnumerable<string> paths,
        IReadOnlyList<KeyValuePair<string, string>> commandLine
    )
    {
        var members = new List<SuiteMember>();
        foreach (var path in paths)
        {
            if (IsSuite(path))
                members.AddRange(LoadSuite(path, commandLine));
            else
            {
                var spec = SpecLoader.Load(path, commandLine);
                members.Add(new SuiteMember(Label(path, [], commandLine, spec.Name), spec, 1, commandLine));
            }
        }
        return members;
    }

    /// <summary>A suite file is a JSON list; a spec is a JSON object.</summary>
    static bool IsSuite(string path)
    {
        try
        {
            return File.Exists(path) && File.ReadAllText(path).TrimStart().StartsWith('[');
        }
        catch (IOException)
        {
            return false;
        } // the spec loader names the file
    }

    static IEnumerable<SuiteMember> LoadSuite(string path, IReadOnlyList<KeyValuePair<string, string>> commandLine)
    {
        JArray list;
        try
        {
            list = JArray.Parse(File.ReadAllText(path));
        }
        catch (JsonReaderException e)
        {
            throw new SpecException($"{path}: not a JSON list of tests: {e.Message}");
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        for (var i = 0; i < list.Count; i++)
        {
            var where = $"{path}: test {i + 1}";
            if (list[i] is not JObject item)
                throw new SpecException($"{where}: must be an object {{spec, overrides, repeat, expect}}");
            foreach (var p in item.Properties())
                if (p.Name is not ("spec" or "overrides" or "repeat" or "expect"))
                    throw new SpecException($"{where}: unknown field '{p.Name}' (spec, overrides, repeat, expect)");
            if (item["spec"] is not JValue { Type: JTokenType.String } specName)
                throw new SpecException($"{where}: field 'spec' must name a spec file");
            var repeat = item["repeat"] switch
            {
                null => 1,
                JValue { Type: JTokenType.Integer } r when (long)r! is >= 1 and <= 1000 => (int)(long)r!,
                _ => throw new SpecException($"{where}: field 'repeat' must be a whole number from 1 to 1000"),
            };
            var expect = item["expect"] switch
            {
                null => Verdict.Valid,
                JValue { Type: JTokenType.String } e when (string)e! == "valid" => Verdict.Valid,
                JValue { Type: JTokenType.String } e when (string)e! == "invalid" => Verdict.Invalid,
                _ => throw new SpecException($"{where}: field 'expect' must be \"valid\" or \"invalid\""),
            };
            var own = item["overrides"] switch
            {
                null => [],
                JObject o => o.Properties().Select(p => KeyValuePair.Create(p.Name, Text(p.Value, where))).ToList(),
                _ => throw new SpecException($"{where}: field 'overrides' must be an object of field: value"),
            };
            var specPath = Path.Combine(dir, (string)specName!);
            TestSpec spec;
            try
            {
                spec = SpecLoader.Load(specPath, [.. own, .. commandLine]);
            }
            catch (SpecException e)
            {
                throw new SpecException($"{where}: {e.Message}");
            }
            yield return new SuiteMember(
                Label(specPath, own, commandLine, spec.Name),
                spec,
                repeat,
                [.. own, .. commandLine],
                expect
            );
        }
    }

    /// <summary>An override as the command line would give it: lists joined by commas.</summary>
    static string Text(JToken value, string where) =>
        value switch
        {
            JArray a => string.Join(",", a.Select(v => Text(v, where))),
            JValue { Type: JTokenType.String } s => (string)s!,
            JValue { Type: JTokenType.Integer or JTokenType.Float or JTokenType.Boolean } v => Convert
                .ToString(v.Value, CultureInfo.InvariantCulture)!
                .ToLowerInvariant(),
            _ => throw new SpecException($"{where}: override values must be strings, numbers, booleans or lists"),
        };

    static string Label(
        string specPath,
        IReadOnlyList<KeyValuePair<string, string>> own,
        IReadOnlyList<KeyValuePair<string, string>> commandLine,
        string? name = null
    )
    {
        name ??= Path.GetFileNameWithoutExtension(specPath);
        // Only the member's own overrides tell members apart; the command line's apply to all.
        return own.Count == 0 ? name : $"{name} ({string.Join(" ", own.Select(o => $"{o.Key}={o.Value}"))})";
    }
}
