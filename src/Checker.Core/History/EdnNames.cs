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

/// <summary>The nil key of an EDN map ({nil 1}): dictionaries cannot hold null keys, and "nil" is a different key.</summary>
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
    public static string? Of(object? v) => v switch
    {
        string s => s,
        Keyword k => k.Name,
        Symbol s => s.Name,
        _ => null,
    };
}
