using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>
/// A streaming reader of EDN forms as plain values: nil, booleans, integers (long, or BigInteger past
/// 64 bits: never rounded), doubles, ratios (<see cref="Ratio"/>: 1/2 stays exact, 4/2 is the integer 2),
/// decimals (1.5M), strings, characters (<see cref="Character"/>), keywords (<see cref="Keyword"/>) and
/// symbols (<see cref="Symbol"/>), which stay apart from strings as Clojure keeps them, vectors and
/// lists (List), sets (HashSet) and maps (Dictionary). Tagged
/// elements (#inst "...", #jepsen.history.Op{...}) yield the tagged form; #_ discards the next form.
/// </summary>
public sealed partial class EdnReader
{
    readonly TextReader input;
    readonly string source;
    readonly int[] ahead = new int[2]; // up to two chars read but not consumed: "#_" needs both
    int buffered;

    /// <summary>1-based line of the reader's position.</summary>
    public int Line { get; private set; } = 1;

    public EdnReader(TextReader input, string source)
    {
        this.input = input;
        this.source = source;
    }

    /// <summary>The char k places ahead (0 or 1) without consuming it; -1 past the end.</summary>
    int Peek(int k = 0)
    {
        while (buffered <= k)
            ahead[buffered++] = input.Read();
        return ahead[k];
    }

    int Next()
    {
        var c = Peek();
        ahead[0] = ahead[1];
        buffered--;
        if (c == '\n')
            Line++;
        return c;
    }

    HistoryFormatException Error(string problem) => new(source, Line, problem);

    /// <summary>Skips white space, commas, comments and #_-discarded forms; returns the next char without consuming it
    /// (-1 at end).</summary>
    public int SkipSpace()
    {
        while (true)
        {
            var c = Peek();
            if (c == ';')
            {
                while (Peek() is not ('\n' or -1))
                    Next();
            }
            else if (c == ',' || (c >= 0 && char.IsWhiteSpace((char)c)))
                Next();
            else if (c == '#' && Peek(1) == '_')
            {
                Next();
                Next();
                ReadForm();
            }
            else
                return c;
        }
    }

    /// <summary>True at the end of input (after white space and comments).</summary>
    public bool AtEnd => SkipSpace() == -1;

    /// <summary>Consumes the given char if it is next; used to stream a top-level collection.</summary>
    public bool TryConsume(char c)
    {
        if (SkipSpace() != c)
            return false;
        Next();
        return true;
    }

    /// <summary>Reads one complete form; throws with the line at end of input or on bad syntax.</summary>
    public object? ReadForm()
    {
        var c = SkipSpace();
        switch (c)
        {
            case -1:
                throw Error("unexpected end of input");
            case '[' or '(':
                Next();
                return ReadSeq(c == '[' ? ']' : ')');
            case '{':
                Next();
                return ReadMap();
            case ']' or ')' or '}':
                throw Error($"unexpected '{(char)c}'");
            case '"':
                Next();
                return ReadString();
            case ':':
                Next();
                var kw = ReadToken();
                if (kw.Length == 0)
                    throw Error("empty keyword");
                return new Keyword(kw);
            case '\\':
                Next();
                return ReadChar();
            case '#':
                Next();
                return ReadDispatch();
            default:
                return Atom(ReadToken());
        }
    }

    object? ReadDispatch()
    {
        var c = Peek();
        if (c == '{')
        {
            Next();
            var set = new HashSet<object?>(Values.Comparer);
            foreach (var x in ReadSeq('}'))
                set.Add(x);
            return set;
        }
        if (c == -1 || char.IsWhiteSpace((char)c))
            throw Error("'#' must be followed by a tag, '{' or '_'");
        ReadToken(); // the tag: its form is read as plain data
        return ReadForm();
    }

    const int MaxDepth = 256; // deeper nesting is no history, and would overflow the stack

    int depth;

    List<object?> ReadSeq(char close)
    {
        var list = new List<object?>();
        var start = Line;
        if (++depth > MaxDepth)
            throw Error($"collections nested more than {MaxDepth} deep");
        try
        {
            return ReadItems(list, start, close);
        }
        finally
        {
            depth--;
        }
    }

    List<object?> ReadItems(List<object?> list, int start, char close)
    {
        while (true)
        {
            var c = SkipSpace();
            if (c == -1)
                throw new HistoryFormatException(
                    source,
                    start,
                    $"unclosed collection: no '{close}' before end of input"
                );
            if (c == close)
            {
                Next();
                return list;
            }
            list.Add(ReadForm());
        }
    }

    Dictionary<object, object?> ReadMap()
    {
        var start = Line;
        var items = ReadSeq('}');
        if (items.Count % 2 != 0)
            throw new HistoryFormatException(source, start, "a map needs an even number of forms");
        var map = new Dictionary<object, object?>(items.Count / 2, Values.Comparer!);
        for (var i = 0; i < items.Count; i += 2)
            map[items[i] ?? NilKey.Instance] = items[i + 1];
        return map;
    }

    string ReadString()
    {
        var sb = new StringBuilder();
        var start = Line;
        while (true)
        {
            var c = Next();
            if (c == -1)
                throw new HistoryFormatException(source, start, "unterminated string");
            if (c == '"')
                return sb.ToString();
            if (c != '\\')
            {
                sb.Append((char)c);
                continue;
            }
            var e = Next();
            switch (e)
            {
                case 'n':
                    sb.Append('\n');
                    break;
                case 't':
                    sb.Append('\t');
                    break;
                case 'r':
                    sb.Append('\r');
                    break;
                case '"' or '\\':
                    sb.Append((char)e);
                    break;
                case 'u':
                    var hex = new char[4];
                    for (var i = 0; i < 4; i++)
                        hex[i] = (char)Next();
                    if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        throw Error("bad \\u escape");
                    sb.Append((char)code);
                    break;
                default:
                    throw Error(e == -1 ? "unterminated string" : $"unknown escape \\{(char)e}");
            }
        }
    }

    Character ReadChar()
    {
        var first = Next();
        if (first == -1)
            throw Error("unexpected end of input after '\\'");
        var rest = ReadToken();
        var name = (char)first + rest;
        return new Character(
            name switch
            {
                "newline" => '\n',
                "space" => ' ',
                "tab" => '\t',
                "return" => '\r',
                "backspace" => '\b',
                "formfeed" => '\f',
                _ when name.Length == 1 => name[0],
                _ when name.StartsWith('u')
                        && name.Length == 5
                        && int.TryParse(name[1..], NumberStyles.AllowHexSpecifier, Invariant, out var code) =>
                    (char)code,
                _ when name.StartsWith('o')
                        && name.Length is >= 2 and <= 4
                        && name[1..].All(c => c is >= '0' and <= '7')
                        && Convert.ToInt32(name[1..], 8) is var octal and <= 0xFF => (char)octal,
                _ => throw Error($"unknown character \\{name}"),
            }
        );
    }

    string ReadToken()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var c = Peek();
            if (
                c == -1
                || char.IsWhiteSpace((char)c)
                || c is ',' or '(' or ')' or '[' or ']' or '{' or '}' or '"' or ';'
            )
                return sb.ToString();
            sb.Append((char)Next());
        }
    }

    object? Atom(string token)
    {
        switch (token)
        {
            case "":
                throw Error($"unexpected character '{(char)Next()}'");
            case "nil":
                return null;
            case "true":
                return true;
            case "false":
                return false;
        }
        var c = token[0];
        var numeric = char.IsDigit(c) || ((c is '-' or '+') && token.Length > 1 && char.IsDigit(token[1]));
        if (!numeric)
            return new Symbol(token);
        if (token.EndsWith('M'))
            return decimal.TryParse(token[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var m)
                ? m
                : throw Error($"bad number '{token}'");
        var body = c is '-' or '+' ? token.AsSpan(1) : token.AsSpan();
        var plain = body.Length is > 0 and <= 18 && (body[0] != '0' || body.Length == 1);
        if (plain && !body.ContainsAnyExceptInRange('0', '9'))
            return long.Parse(token, NumberStyles.AllowLeadingSign, Invariant); // the common case, fast
        if (ClojureInteger().Match(token) is { Success: true } integer)
            return Integer(token, integer);
        if (token.EndsWith('N'))
            throw Error($"bad number '{token}'");
        if (ClojureFloat().IsMatch(token) && double.TryParse(token, NumberStyles.Float, Invariant, out var d))
            return d;
        // A ratio: integer/integer, exact (Clojure's 4/2 is 2, and 1/2 is no double).
        var slash = token.IndexOf('/');
        if (
            slash > 0
            && BigInteger.TryParse(token[..slash], NumberStyles.AllowLeadingSign, Invariant, out var num)
            && token[(slash + 1)..] is { Length: > 0 } denText
            && denText.All(char.IsAsciiDigit)
            && BigInteger.TryParse(denText, NumberStyles.None, Invariant, out var den)
        )
            return den.IsZero ? throw Error($"bad number '{token}': a ratio's denominator is 0") : Ratio.Of(num, den);
        throw Error($"bad number '{token}'");
    }

    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Clojure's integers: decimal, 0x hexadecimal, 0-led octal (010 is 8), radix (2r101), then N.</summary>
    [GeneratedRegex(
        "^([-+]?)(?:(0)|([1-9][0-9]*)|0[xX]([0-9A-Fa-f]+)|0([0-7]+)|([1-9][0-9]?)[rR]([0-9A-Za-z]+)|(0[0-9]+))N?$"
    )]
    private static partial Regex ClojureInteger();

    [GeneratedRegex("^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex ClojureFloat();

    /// <summary>The integer a Clojure reader reads: long when it fits, else BigInteger; never rounded.</summary>
    object Integer(string token, Match m)
    {
        if (m.Groups[8].Success)
            throw Error($"bad number '{token}': a leading 0 makes it octal, with digits past 7");
        var (digits, radix) =
            m.Groups[2].Success ? ("0", 10)
            : m.Groups[3].Success ? (m.Groups[3].Value, 10)
            : m.Groups[4].Success ? (m.Groups[4].Value, 16)
            : m.Groups[5].Success ? (m.Groups[5].Value, 8)
            : (m.Groups[7].Value, int.Parse(m.Groups[6].Value, Invariant));
        if (radix > 36)
            throw Error($"bad number '{token}': radix {radix} is past 36");
        var value = BigInteger.Zero;
        foreach (var ch in digits)
        {
            var digit = ch <= '9' ? ch - '0' : char.ToLowerInvariant(ch) - 'a' + 10;
            if (digit >= radix)
                throw Error($"bad number '{token}': digit '{ch}' in radix {radix}");
            value = value * radix + digit;
        }
        if (m.Groups[1].Value == "-")
            value = -value;
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }
}
