using System.Collections;

namespace Checker.Core.History;

/// <summary>
/// Jepsen's :drain op in queue histories: a client dequeues until the queue is empty and completes ok with
/// every element it took. Jepsen's total-queue checker reads an ok drain as one ok dequeue per element; so does
/// Checker, keeping what the drain can tell: each element's dequeue may have happened at any moment during the
/// drain (each is its own dequeue, from the drain's invoke to its completion), and the drain ended on a dequeue
/// that found the queue empty (a dequeue failing with "empty", invoked when the drain was). Those dequeues run
/// concurrently within the drain, so each gets a process of its own, numbered after every process the history
/// uses. A failed drain is a failed dequeue (it took nothing). A drain that never completed, or completed info,
/// took elements nobody knows: the queue cannot be judged (Jepsen refuses it too), and it is bad input.
/// </summary>
public static class QueueDrains
{
    public const string Drain = "drain",
        Dequeue = "dequeue",
        Enqueue = "enqueue",
        EmptyError = "empty";

    /// <summary>The history with every drain read as dequeues; the same list without drains (or enqueues).</summary>
    public static List<Op> Expand(List<Op> ops, string source, List<string> notes)
    {
        if (!ops.Any(o => o.F == Drain && !o.IsNemesis) || !ops.Any(o => o.F is Enqueue or Dequeue))
            return ops;
        // Each drain invoke's completion, found as pairing finds it: the process's next record.
        var completionOf = new Dictionary<int, Op?>(); // position of a drain invoke -> its completion (null: none)
        var open = new Dictionary<int, int>(); // process -> position of its open invoke
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.IsNemesis)
                continue;
            if (op.Type == OpType.Invoke)
            {
                open[op.Process] = i;
                if (op.F == Drain)
                    completionOf[i] = null;
            }
            else if (open.Remove(op.Process, out var at) && completionOf.ContainsKey(at))
            {
                completionOf[at] = op;
            }
        }
        var nextProcess = ops.Where(o => !o.IsNemesis).Max(o => o.Process) + 1;
        var firstProcess = nextProcess;
        var result = new List<Op>(ops.Count + 16);
        // An ok drain's completion -> the first of its dequeues' processes, and the elements it took.
        var pending = new Dictionary<Op, (int FirstProcess, IList Elements)>(ReferenceEqualityComparer.Instance);
        int drains = 0,
            elements = 0;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.IsNemesis || op.F != Drain)
            {
                result.Add(op);
                continue;
            }
            if (op.Type == OpType.Invoke)
            {
                var done = completionOf[i];
                if (done is null || done.Type == OpType.Info)
                    throw new HistoryFormatException(
                        source,
                        done?.Line ?? op.Line,
                        $"a drain that {(done is null ? "never completed" : "completed info")} "
                            + $"(process {op.Process}, invoked on line {op.Line}): the elements it took are unknown, "
                            + "so the queue cannot be judged"
                    );
                if (done.Type == OpType.Fail)
                {
                    result.Add(op with { F = Dequeue });
                    continue;
                }
                var taken = done.Value switch
                {
                    IList list => list,
                    ICollection set and not IDictionary => set.Cast<object?>().ToList(),
                    _ => throw new HistoryFormatException(
                        source,
                        done.Line,
                        $"an ok drain's value must be the list of elements it took, not {Values.Format(done.Value)}"
                    ),
                };
                pending[done] = (nextProcess, taken);
                for (var k = 0; k <= taken.Count; k++)
                    result.Add(op with { Process = nextProcess + k, F = Dequeue, Value = null });
                nextProcess += taken.Count + 1;
                drains++;
                elements += taken.Count;
                continue;
            }
            if (!pending.Remove(op, out var drain))
            {
                result.Add(op with { F = Dequeue }); // a failed drain's completion (or one pairing will refuse)
                continue;
            }
            for (var k = 0; k < drain.Elements.Count; k++)
                result.Add(op with { Process = drain.FirstProcess + k, F = Dequeue, Value = drain.Elements[k] });
            var empty = drain.FirstProcess + drain.Elements.Count;
            result.Add(op with { Process = empty, Type = OpType.Fail, F = Dequeue, Value = null, Error = EmptyError });
        }
        if (drains > 0)
            notes.Add(
                $"{drains} ok drain{(drains == 1 ? "" : "s")} read as Jepsen's total-queue reads them: "
                    + $"{elements} ok dequeues, each at any moment during its drain, and a dequeue that found the "
                    + $"queue "
                    + $"empty as each drain ended (processes {firstProcess} to {nextProcess - 1})"
            );
        return result;
    }
}
