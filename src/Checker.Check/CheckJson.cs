using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using Checker.Core.Checks;

namespace Checker.Check;

/// <summary>
/// Check results as JSON, written without generated code, so that the natively compiled checker writes them
/// too. The text is the one a run's results.json has (ResultsJson: Newtonsoft.Json with camelCase names,
/// enums as camelCase words, dictionary keys as they are, nulls kept), character for character, indented
/// or on one line. Details are walked by their public properties: plain values, lists and maps as such, and
/// Checker.Core's records (that assembly's metadata is kept whole in the native program) by property. A value
/// of any other type is refused (NotSupportedException) rather than written differently.
/// </summary>
internal static class CheckJson
{
    /// <summary>`checker check --json` for one file: its name, the overall verdict, the notes, and each check as
    /// {verdict, summary, details} keyed by its checker's name.</summary>
    public static string FileResult(
        string file,
        Verdict verdict,
        IReadOnlyList<string> notes,
        IReadOnlyList<CheckResult> results,
        bool indented
    )
    {
        var w = new Writer(indented);
        w.StartObject();
        w.Name("file");
        w.String(file);
        w.Name("verdict");
        w.Value(verdict);
        w.Name("notes");
        w.Value(notes);
        w.Name("checks");
        w.StartObject();
        // As ResultsJson.Checks: keyed by name, a later check of the same name would replace the earlier one.
        foreach (var (name, result) in LastByName(results))
        {
            w.Name(name);
            w.StartObject();
            w.Name("verdict");
            w.Value(result.Verdict);
            w.Name("summary");
            w.String(result.Summary);
            w.Name("details");
            w.Value(result.Details);
            w.EndObject();
        }
        w.EndObject();
        w.EndObject();
        return w.ToString();
    }

    /// <summary>An object of string fields on one line ({"file": ..., "exit": 3, "error": ...}).</summary>
    public static string Line(params (string Name, object? Value)[] fields)
    {
        var w = new Writer(indented: false);
        w.StartObject();
        foreach (var (name, value) in fields)
        {
            w.Name(name);
            w.Value(value);
        }
        w.EndObject();
        return w.ToString();
    }

    /// <summary>Any value as JSON (for tests that hold it against ResultsJson).</summary>
    public static string Of(object? value, bool indented)
    {
        var w = new Writer(indented);
        w.Value(value);
        return w.ToString();
    }

    static List<(string, CheckResult)> LastByName(IReadOnlyList<CheckResult> results)
    {
        var order = new List<string>();
        var byName = new Dictionary<string, CheckResult>();
        foreach (var r in results)
        {
            if (!byName.ContainsKey(r.Checker))
                order.Add(r.Checker);
            byName[r.Checker] = r;
        }
        return order.Select(n => (n, byName[n])).ToList();
    }

    /// <summary>Newtonsoft's camelCase: the leading run of capitals is lowered, but for the last capital of a run
    /// that starts a word ("URLValue" is "urlValue", "InvokeIndex" is "invokeIndex").</summary>
    internal static string CamelCase(string s)
    {
        if (s.Length == 0 || !char.IsUpper(s[0]))
            return s;
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
                break;
            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (char.IsSeparator(chars[i + 1]))
                    chars[i] = char.ToLowerInvariant(chars[i]);
                break;
            }
            chars[i] = char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }

    /// <summary>A double as Newtonsoft writes it: the shortest text that reads back the same, with ".0" when it
    /// would read as an integer; not-a-number and the infinities as strings.</summary>
    internal static string Double(double d, string shortest)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
            return Quote(shortest);
        return shortest.Contains('.') || shortest.Contains('E') || shortest.Contains('e') ? shortest : shortest + ".0";
    }

    /// <summary>A string in quotes, escaped as Newtonsoft escapes by default: the quote, the backslash, control
    /// characters, and U+0085, U+2028, U+2029; everything else as it is.</summary>
    internal static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2);
        b.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    b.Append("\\\"");
                    break;
                case '\\':
                    b.Append("\\\\");
                    break;
                case '\n':
                    b.Append("\\n");
                    break;
                case '\r':
                    b.Append("\\r");
                    break;
                case '\t':
                    b.Append("\\t");
                    break;
                case '\f':
                    b.Append("\\f");
                    break;
                case '\b':
                    b.Append("\\b");
                    break;
                case < ' ' or '\u0085' or '\u2028' or '\u2029':
                    b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    b.Append(c);
                    break;
            }
        }
        return b.Append('"').ToString();
    }

    /// <summary>A JSON writer laid out as Newtonsoft lays out: two spaces a level, "name": value, every
    /// element of a non-empty list on its own line; empty lists and objects as [] and {}.</summary>
    sealed class Writer(bool indented)
    {
        readonly StringBuilder text = new();

        // Per open container: whether it has had an element yet.
        readonly Stack<bool> started = new();
        bool afterName;

        public override string ToString() => text.ToString();

        public void StartObject() => Open('{');

        public void EndObject() => Close('}');

        void StartArray() => Open('[');

        void EndArray() => Close(']');

        public void Name(string name)
        {
            BeforeElement();
            text.Append(Quote(name)).Append(indented ? ": " : ":");
            afterName = true;
        }

        public void String(string s) => Raw(Quote(s));

        void Open(char bracket)
        {
            BeforeElement();
            text.Append(bracket);
            started.Push(false);
        }

        void Close(char bracket)
        {
            if (started.Pop() && indented)
                NewLine();
            text.Append(bracket);
        }

        void Raw(string token)
        {
            BeforeElement();
            text.Append(token);
        }

        /// <summary>The comma and line break before an element, unless it is the value after a name.</summary>
        void BeforeElement()
        {
            if (afterName)
            {
                afterName = false;
                return;
            }
            if (started.Count == 0)
                return;
            if (started.Peek())
                text.Append(',');
            started.Pop();
            started.Push(true);
            if (indented)
                NewLine();
        }

        void NewLine() => text.Append('\n').Append(' ', 2 * started.Count);

        public void Value(object? value)
        {
            switch (value)
            {
                case null:
                    Raw("null");
                    break;
                case string s:
                    String(s);
                    break;
                case bool b:
                    Raw(b ? "true" : "false");
                    break;
                case char c:
                    String(c.ToString());
                    break;
                case Enum e:
                    EnumName(e);
                    break;
                case double d:
                    Raw(Double(d, d.ToString("R", CultureInfo.InvariantCulture)));
                    break;
                case float f:
                    Raw(Double(f, f.ToString("R", CultureInfo.InvariantCulture)));
                    break;
                case decimal m:
                    Raw(Double((double)m, m.ToString(CultureInfo.InvariantCulture)));
                    break;
                case sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger:
                    Raw(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                    break;
                case DateTime t:
                    String(t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture));
                    break;
                case DateTimeOffset t:
                    String(t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture));
                    break;
                case TimeSpan t:
                    String(t.ToString(null, CultureInfo.InvariantCulture));
                    break;
                case Guid g:
                    String(g.ToString("D"));
                    break;
                case IDictionary map:
                    Map(map);
                    break;
                case IEnumerable list:
                    StartArray();
                    foreach (var item in list)
                        Value(item);
                    EndArray();
                    break;
                default:
                    Record(value);
                    break;
            }
        }

        /// <summary>The value's name in camelCase; a value without a name (no such member) as its number.</summary>
        void EnumName(Enum e)
        {
            var name = e.ToString();
            if (name.Length > 0 && (char.IsDigit(name[0]) || name[0] == '-'))
                Raw(name);
            else
                String(string.Join(", ", name.Split(", ").Select(CamelCase)));
        }

        void Map(IDictionary map)
        {
            StartObject();
            var entries = map.GetEnumerator();
            while (entries.MoveNext())
            {
                var key = entries.Key;
                Name(
                    key switch
                    {
                        string s => s,
                        DateTime or DateTimeOffset => Of(key, false).Trim('"'),
                        System.Enum => key.ToString()!,
                        IConvertible c => c.ToString(CultureInfo.InvariantCulture),
                        _ => key.ToString() ?? "",
                    }
                );
                Value(entries.Value);
            }
            EndObject();
        }

        void Record(object value)
        {
            StartObject();
            foreach (var member in Members(value.GetType()))
            {
                Name(member.Name);
                Value(member.Read(value));
            }
            EndObject();
        }
    }

    sealed record Member(string Name, Func<object, object?> Read);

    static readonly ConcurrentDictionary<Type, IReadOnlyList<Member>> members = new();

    /// <summary>The members Newtonsoft writes for a type, in its order: public instance fields, then public
    /// instance properties with a public getter (not indexers, not [JsonIgnore]).</summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2070",
        Justification = "Only Checker.Core's types are walked, and the native program keeps that assembly whole "
            + "(TrimmerRootAssembly): its fields and properties are all there to read."
    )]
    static IReadOnlyList<Member> Members(Type type) => members.GetOrAdd(type, static t =>
        {
            if (t.Assembly != typeof(CheckResult).Assembly)
                throw new NotSupportedException(
                    $"{t.FullName} cannot be written as JSON without generated code (only Checker.Core's "
                        + "records can)"
                );
            var fields = t.GetFields(BindingFlags.Public | BindingFlags.Instance)
                .Where(f => !f.IsDefined(typeof(Newtonsoft.Json.JsonIgnoreAttribute)))
                .Select(f => new Member(CamelCase(f.Name), f.GetValue));
            var properties = t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p =>
                    p.GetIndexParameters().Length == 0
                    && p.GetGetMethod() is not null
                    && !p.IsDefined(typeof(Newtonsoft.Json.JsonIgnoreAttribute))
                )
                .Select(p => new Member(CamelCase(p.Name), p.GetValue));
            return fields.Concat(properties).ToList();
        });
}
