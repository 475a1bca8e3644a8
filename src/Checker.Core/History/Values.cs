using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Checker.Core.History;

/// <summary>
/// Structural equality, hashing and printing for operation values (null, long, BigInteger, double,
/// bool, string, keyword, lists, sets and maps as read from JSON or EDN). As in Clojure and Jepsen,
/// integers compare exactly whatever their size (a BigInteger equals the long of the same value), an
/// integer never equals a float (1 is not 1.0), and a keyword never equals a string.
/// </summary>
public sealed class Values : IEqualityComparer<object?>
{
    public static readonly Values Comparer = new();

    bool IEqualityComparer<object?>.Equals(object? a, object? b) => Same(a, b);

    int IEqualityComparer<object?>.GetHashCode(object? v) => Hash(v);

    public static bool Same(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null)
            return false;
        switch (a)
        {
            case long la when b is long lb:
                return la == lb;
            case string sa when b is string sb:
                return sa == sb;
            case long or int or BigInteger when b is long or int or BigInteger:
                return Integer(a) == Integer(b);
            case double da when b is double db:
                return da.Equals(db);
            case long or int or BigInteger or double:
                return false; // an integer is never a float
            case IDictionary da when b is IDictionary db:
                if (da.Count != db.Count)
                    return false;
                foreach (DictionaryEntry e in da)
                    if (!db.Contains(e.Key) || !Same(e.Value, db[e.Key]))
                        return false;
                return true;
            case ISet<object?> sa2 when b is ISet<object?> sb2:
                return sa2.Count == sb2.Count && sa2.SetEquals(sb2);
            case IList la2 when b is IList lb2:
                if (la2.Count != lb2.Count)
                    return false;
                for (var i = 0; i < la2.Count; i++)
                    if (!Same(la2[i], lb2[i]))
                        return false;
                return true;
            default:
                return a.Equals(b);
        }
    }

    static BigInteger Integer(object v) =>
        v switch
        {
            long l => l,
            int i => i,
            _ => (BigInteger)v,
        };

    public static int Hash(object? v)
    {
        switch (v)
        {
            case null:
                return 0;
            case long l:
                return l.GetHashCode();
            case int i:
                return ((long)i).GetHashCode();
            case BigInteger b:
                return b >= long.MinValue && b <= long.MaxValue ? ((long)b).GetHashCode() : b.GetHashCode();
            case double d:
                return HashCode.Combine(d, 7); // apart from the integers it never equals
            case string s:
                return s.GetHashCode();
            case IDictionary m:
                var hm = 17;
                foreach (DictionaryEntry e in m)
                    hm ^= HashCode.Combine(Hash(e.Key), Hash(e.Value)); // order-free
                return hm;
            case ISet<object?> set:
                var hs = 19;
                foreach (var e in set)
                    hs ^= Hash(e);
                return hs;
            case IList list:
                var h = 23;
                foreach (var e in list)
                    h = h * 31 + Hash(e);
                return h;
            default:
                return v.GetHashCode();
        }
    }

    /// <summary>A compact, EDN-like rendering for messages and reports.</summary>
    public static string Format(object? v)
    {
        var sb = new StringBuilder();
        Append(sb, v);
        return sb.ToString();
    }

    static void Append(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null:
                sb.Append("nil");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                sb.Append('"').Append(s.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                break;
            case double d:
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                sb.Append(text);
                if (double.IsFinite(d) && !text.Contains('.') && !text.Contains('E'))
                    sb.Append(".0"); // 2.0 is not 2
                break;
            case IFormattable f:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IDictionary m:
                sb.Append('{');
                var first = true;
                foreach (DictionaryEntry e in m)
                {
                    if (!first)
                        sb.Append(", ");
                    first = false;
                    Append(sb, e.Key);
                    sb.Append(' ');
                    Append(sb, e.Value);
                }
                sb.Append('}');
                break;
            case ISet<object?> set:
                AppendSeq(sb, "#{", set, "}");
                break;
            case IEnumerable e:
                AppendSeq(sb, "[", e, "]");
                break;
            default:
                sb.Append(v);
                break;
        }
    }

    static void AppendSeq(StringBuilder sb, string open, IEnumerable items, string close)
    {
        sb.Append(open);
        var first = true;
        foreach (var x in items)
        {
            if (!first)
                sb.Append(' ');
            first = false;
            Append(sb, x);
        }
        sb.Append(close);
    }
}
