namespace Checker.Core.History;

/// <summary>
/// An EDN keyword such as :a. It is a value of its own: :a never equals the string "a", as in Clojure,
/// so a history that mixes them is judged on what it says.
/// </summary>
public sealed record Keyword(string Name)
{
    public override string ToString() => ":" + Name;
}

/// <summary>An EDN symbol such as a (rare in histories); never equal to a string or a keyword.</summary>
public sealed record Symbol(string Name)
{
    public override string ToString() => Name;
}

/// <summary>The nil key of an EDN map ({nil 1}): dictionaries cannot hold null keys, and "nil" is a different
/// key.</summary>
public sealed class NilKey
{
    public static readonly NilKey Instance = new();

    NilKey() { }

    public override string ToString() => "nil";
}

/// <summary>Names written either way: a JSON history says "read", an EDN one :read.</summary>
public static class Names
{
    /// <summary>The name of a string or keyword (symbols too); null for anything else.</summary>
    public static string? Of(object? v) =>
        v switch
        {
            string s => s,
            Keyword k => k.Name,
            Symbol s => s.Name,
            _ => null,
        };
}

/// <summary>
/// An EDN ratio such as 1/2, kept exact and in lowest terms as Clojure keeps it: 1/2 equals 2/4 but never the
/// double 0.5, and a ratio whose denominator divides its numerator (4/2) is read as the integer it is.
/// </summary>
public sealed record Ratio
{
    public System.Numerics.BigInteger Numerator { get; }
    public System.Numerics.BigInteger Denominator { get; }

    /// <summary>A ratio in lowest terms, its denominator positive; made by <see cref="Of"/>.</summary>
    Ratio(System.Numerics.BigInteger numerator, System.Numerics.BigInteger denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>numerator/denominator as Clojure reads it: a long (or BigInteger) when whole, else a Ratio.</summary>
    public static object Of(System.Numerics.BigInteger numerator, System.Numerics.BigInteger denominator)
    {
        if (denominator.IsZero)
            throw new DivideByZeroException("a ratio's denominator is 0");
        var gcd = System.Numerics.BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (denominator.Sign < 0)
            gcd = -gcd;
        var (n, d) = (numerator / gcd, denominator / gcd);
        if (!d.IsOne)
            return new Ratio(n, d);
        return n >= long.MinValue && n <= long.MaxValue ? (object)(long)n : n;
    }

    public override string ToString() => $"{Numerator}/{Denominator}";
}

/// <summary>An EDN character such as \a: as in Clojure, never equal to the one-character string "a".</summary>
public sealed record Character(char Value)
{
    public override string ToString() =>
        Value switch
        {
            '\n' => "\\newline",
            ' ' => "\\space",
            '\t' => "\\tab",
            '\r' => "\\return",
            '\b' => "\\backspace",
            '\f' => "\\formfeed",
            _ when char.IsControl(Value) || char.IsSurrogate(Value) => $"\\u{(int)Value:X4}",
            _ => "\\" + Value,
        };
}
