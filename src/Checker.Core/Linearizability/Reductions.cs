using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>What lets the search skip orders that cannot lead anywhere new.</summary>
internal static class Reductions
{
    /// <summary>For each crashed op, the latest earlier-called crashed op just like it, or -1.</summary>
    public static int[] EarlierTwins(List<Operation> ops, int definite)
    {
        var twin = new int[ops.Count - definite];
        var last = new Dictionary<(string, object?, object?), int>(new TwinComparer());
        foreach (var o in ops.Skip(definite).OrderBy(o => o.Call).ThenBy(o => o.Id))
        {
            var kind = (o.F, o.Key, o.Input);
            twin[o.Id - definite] = last.TryGetValue(kind, out var earlier) ? earlier : -1;
            last[kind] = o.Id;
        }
        return twin;
    }

    sealed class TwinComparer : IEqualityComparer<(string F, object? Key, object? Input)>
    {
        public bool Equals((string F, object? Key, object? Input) a, (string F, object? Key, object? Input) b) =>
            a.F == b.F && Values.Same(a.Key, b.Key) && Values.Same(a.Input, b.Input);

        public int GetHashCode((string F, object? Key, object? Input) k) =>
            HashCode.Combine(k.F, Values.Hash(k.Key), Values.Hash(k.Input));
    }

    /// <summary>Each op's part of the state as a small number, or null if some op may touch any part.</summary>
    public static int[]? PartsOf(List<Operation> ops, Model model)
    {
        var ids = new Dictionary<object, int>(Values.Comparer!);
        var part = new int[ops.Count];
        foreach (var o in ops)
        {
            if (model.IndependenceKey(o) is not { } key)
                return null;
            if (!ids.TryGetValue(key, out var id))
                ids[key] = id = ids.Count;
            part[o.Id] = id;
        }
        return ids.Count > 1 ? part : null;
    }
}
