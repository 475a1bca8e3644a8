using Checker.Runner.Net;

namespace Checker.Runner.Faults;

/// <summary>Jepsen's partition shapes over a list of node names; `random` picks the nodes.</summary>
public static class Partitions
{
    /// <summary>Two halves, the larger one first, cut from each other.</summary>
    public static Grudge RandomHalves(IReadOnlyList<string> nodes, Random random)
    {
        var shuffled = Shuffle(nodes, random);
        var big = (shuffled.Count + 1) / 2;
        return Grudge.Between(shuffled.Take(big), shuffled.Skip(big));
    }

    /// <summary>One node cut from all others.</summary>
    public static Grudge Isolate(IReadOnlyList<string> nodes, string node) =>
        Grudge.Between([node], nodes.Where(n => n != node));

    /// <summary>
    /// Each node sees a majority (itself and its nearest neighbours on a shuffled ring), but no two nodes
    /// see the same one. With three nodes every majority ring is complete, so the grudge is empty.
    /// </summary>
    public static Grudge MajoritiesRing(IReadOnlyList<string> nodes, Random random)
    {
        var ring = Shuffle(nodes, random);
        var n = ring.Count;
        var reach = (n / 2 + 1) / 2; // neighbours on each side: 2*reach+1 >= a majority
        return Grudge.FromAllowed(ring, (from, to) =>
        {
            var d = Math.Abs(ring.IndexOf(from) - ring.IndexOf(to));
            return Math.Min(d, n - d) <= reach;
        });
    }

    /// <summary>Two halves that cannot see each other, and one bridge node that sees both.</summary>
    public static Grudge Bridge(IReadOnlyList<string> nodes, Random random)
    {
        var shuffled = Shuffle(nodes, random);
        var bridge = shuffled[0];
        var rest = shuffled.Skip(1).ToList();
        var half = rest.Count / 2;
        return Grudge.Between(rest.Take(half), rest.Skip(half).Where(n => n != bridge));
    }

    /// <summary>One node stops hearing the others, while they still hear it.</summary>
    public static Grudge OneWay(IReadOnlyList<string> nodes, Random random)
    {
        var deaf = nodes[random.Next(nodes.Count)];
        var g = new Grudge();
        foreach (var other in nodes)
            g.Refuse(deaf, other);
        return g;
    }

    static List<string> Shuffle(IReadOnlyList<string> nodes, Random random)
    {
        var list = nodes.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
