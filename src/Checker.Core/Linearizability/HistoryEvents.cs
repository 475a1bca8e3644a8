using Checker.Core.History;

namespace Checker.Core.Linearizability;

/// <summary>A doubly linked list over node numbers that can unlink a node and later relink it (in LIFO
/// order).</summary>
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
        if (Next[x] >= 0)
            prev[Next[x]] = prev[x];
    }

    public void Restore(int x)
    {
        Next[prev[x]] = x;
        if (Next[x] >= 0)
            prev[Next[x]] = x;
    }
}

/// <summary>
/// A history as the search walks it: call and return events in time order (calls first at equal
/// times: intervals are closed), node 0 a head, node k+1 event k; threaded into two or three lists.
/// </summary>
internal sealed class HistoryEvents
{
    /// <summary>Definite calls, all returns, and crashed calls unless they wait apart.</summary>
    public readonly LinkedEvents Listed;

    /// <summary>Crashed calls, when they wait apart (crashedApart); else they are in Listed.</summary>
    public readonly LinkedEvents CrashedCalls;

    /// <summary>The returns alone, to find the first pending one.</summary>
    public readonly LinkedEvents Returns;

    public readonly int[] OpOf;
    public readonly bool[] IsCall;
    public readonly int[] ReturnNode;
    public readonly int[] CallNode;

    /// <param name="ops">Numbered 0..n-1, definite ones first.</param>
    /// <param name="filed">Crashed ops kept out of every list (the search files them by the state they need).</param>
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    public HistoryEvents(IReadOnlyList<Operation> ops, int definite, bool crashedApart, bool[]? filed = null)
    {
        // Two runs, each close to time order already: the completed ops' calls and returns in op order (return
        // order, so each call sits at most a few concurrent ops too late), and the crashed calls (call order).
        // Each is sorted by insertion and the two merged: linear in the history's length where a general sort
        // is not. The order is total, so the result is the one a plain sort gives.
        var crashed = 0;
        foreach (var o in ops)
            crashed += o.Crashed ? 1 : 0;
        var completedRun = new Event[2 * (ops.Count - crashed)];
        var crashedRun = new Event[crashed];
        int inCompleted = 0,
            inCrashed = 0;
        foreach (var o in ops)
        {
            if (o.Crashed)
            {
                crashedRun[inCrashed++] = new Event(o.Call, 0, o.Id);
                continue;
            }
            completedRun[inCompleted++] = new Event(o.Call, 0, o.Id);
            completedRun[inCompleted++] = new Event(o.Return, 1, o.Id);
        }
        SortNearlySorted(completedRun);
        SortNearlySorted(crashedRun);
        var events = new Event[completedRun.Length + crashedRun.Length];
        Merge(completedRun, crashedRun, events);
        var count = events.Length;
        var nodes = count + 1;
        (Listed, CrashedCalls, Returns) = (new LinkedEvents(nodes), new LinkedEvents(nodes), new LinkedEvents(nodes));
        (OpOf, IsCall, ReturnNode, CallNode) = (
            new int[nodes],
            new bool[nodes],
            new int[ops.Count],
            new int[ops.Count]
        );
        Array.Fill(ReturnNode, -1);
        int lastListed = 0,
            lastCrashed = 0,
            lastReturn = 0;
        for (var k = 0; k < count; k++)
        {
            var node = k + 1;
            var op = events[k].Op;
            OpOf[node] = op;
            IsCall[node] = events[k].Kind == 0;
            if (IsCall[node])
                CallNode[op] = node;
            else
                ReturnNode[op] = node;
            if (IsCall[node] && op >= definite && filed is not null && filed[op - definite])
                continue;
            if (IsCall[node] && op >= definite && crashedApart)
            {
                CrashedCalls.Append(lastCrashed, node);
                lastCrashed = node;
                continue;
            }
            Listed.Append(lastListed, node);
            lastListed = node;
            if (IsCall[node])
                continue;
            Returns.Append(lastReturn, node);
            lastReturn = node;
        }
    }

    /// <summary>
    /// Sorts by insertion while the elements out of place are few and near where they belong (the cost is the
    /// distance they move); past a budget linear in the length, the rest is left to a general sort.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    internal static void SortNearlySorted<T>(Span<T> items)
        where T : IComparable<T>
    {
        var budget = 16L * items.Length + 64;
        for (var i = 1; i < items.Length; i++)
        {
            var item = items[i];
            var j = i - 1;
            if (items[j].CompareTo(item) <= 0)
                continue;
            while (j >= 0 && items[j].CompareTo(item) > 0)
            {
                items[j + 1] = items[j];
                j--;
            }
            items[j + 1] = item;
            budget -= i - j;
            if (budget < 0)
            {
                items.Sort();
                return;
            }
        }
    }

    /// <summary>Merges two sorted runs into into (as long as both together), keeping a's element first at
    /// ties.</summary>
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    internal static void Merge<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> into)
        where T : IComparable<T>
    {
        int i = 0,
            j = 0,
            k = 0;
        while (i < a.Length && j < b.Length)
            into[k++] = b[j].CompareTo(a[i]) < 0 ? b[j++] : a[i++];
        a[i..].CopyTo(into[k..]);
        b[j..].CopyTo(into[(k + a.Length - i)..]);
    }

    /// <summary>A call (Kind 0) or return (Kind 1) in time order: calls first at equal times, then by op.</summary>
    internal readonly record struct Event(long Time, int Kind, int Op) : IComparable<Event>
    {
        public int CompareTo(Event other) =>
            Time != other.Time ? Time.CompareTo(other.Time)
            : Kind != other.Kind ? Kind - other.Kind
            : Op.CompareTo(other.Op);
    }
}
