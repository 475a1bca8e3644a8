namespace Checker.Runner.Net;

/// <summary>
/// A partition: for each node, the nodes whose traffic it refuses. Symmetric partitions list each
/// pair both ways; a one-way partition lists only the receiving side.
/// </summary>
public sealed class Grudge
{
    readonly Dictionary<string, SortedSet<string>> refuses = new();

    /// <summary>True when traffic sent by `from` does not reach `to`.</summary>
    public bool Blocks(string from, string to) => refuses.TryGetValue(to, out var s) && s.Contains(from);

    /// <summary>Makes `to` refuse traffic from `from`.</summary>
    public Grudge Refuse(string to, string from)
    {
        if (to == from)
            return this;
        if (!refuses.TryGetValue(to, out var s))
            refuses[to] = s = new SortedSet<string>(StringComparer.Ordinal);
        s.Add(from);
        return this;
    }

    /// <summary>Cuts every link between the two groups, both ways.</summary>
    public static Grudge Between(IEnumerable<string> a, IEnumerable<string> b)
    {
        var g = new Grudge();
        var bs = b.ToList();
        foreach (var x in a)
        foreach (var y in bs)
            g.Refuse(x, y).Refuse(y, x);
        return g;
    }

    /// <summary>Each node refuses every node it is not told it may hear from.</summary>
    public static Grudge FromAllowed(IReadOnlyList<string> nodes, Func<string, string, bool> connected)
    {
        var g = new Grudge();
        foreach (var to in nodes)
        foreach (var from in nodes)
            if (from != to && !connected(from, to))
                g.Refuse(to, from);
        return g;
    }

    public bool IsEmpty => refuses.Values.All(s => s.Count == 0);

    /// <summary>Plain data for the history: {"n1": ["n2", "n3"], ...} (node → nodes it refuses).</summary>
    public Dictionary<object, object?> ToValue()
    {
        var d = new Dictionary<object, object?>();
        foreach (var (to, from) in refuses.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            d[to] = from.Cast<object?>().ToList();
        return d;
    }

    public override string ToString() =>
        string.Join(
            ", ",
            refuses
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key} refuses {string.Join('/', kv.Value)}")
        );
}
