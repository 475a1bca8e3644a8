namespace Checker.Core.Linearizability;

/// <summary>A doubly linked list over node numbers that can unlink a node and later relink it (in LIFO order).</summary>
internal sealed class LinkedEvents(int nodes)
{
    public readonly int[] Next = Filled(nodes);
    readonly int[] prev = Filled(nodes);

    static int[] Filled(int n)
    {
        var a = new int[n];
        Array.Fill(a, -1);
        return a;
    }

    public void Append(int after, int node)
    {
        Next[after] = node;
        prev[node] = after;
    }

    public void Remove(int x)
    {
        Next[prev[x]] = Next[x];
        if (Next[x] >= 0) prev[Next[x]] = prev[x];
    }

    public void Restore(int x)
    {
        Next[prev[x]] = x;
        if (Next[x] >= 0) prev[Next[x]] = x;
    }
}
