using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

/// <summary>
/// The queue checker against brute force on thousands of small random histories from a simulated queue
/// that sometimes misbehaves. The checker judges less than linearizability (not the order, not whether an
/// "empty" mid-run was true), so the test is one-way, where a wrong verdict would hurt: whenever the checker
/// says invalid, no execution of the queue explains the history. And it must catch misbehaviour often.
/// </summary>
public class QueueDifferentialTests
{
    /// <summary>
    /// Workers enqueue fresh elements and dequeue against a simulated queue that sometimes acknowledges an
    /// enqueue it drops, delivers an element without removing it, makes one up, or answers "empty" wrongly;
    /// some ops end indeterminate (taking effect or not, completing or never), retiring their process.
    /// Then one fresh process drains the queue until it answers "empty".
    /// </summary>
    static List<Op> RandomQueue(Random rng, int workers, int ops)
    {
        var history = new List<Op>();
        var queue = new List<long>();
        var process = Enumerable.Range(0, workers).ToArray();
        var pending = new (string F, long X)?[workers];
        long next = 0;
        var invoked = 0;
        void Record(int p, OpType t, string f, object? value, string? error = null) =>
            history.Add(new Op(history.Count, history.Count, p, t, f, value, null, error));
        while (invoked < ops || pending.Any(p => p is not null))
        {
            var w = rng.Next(workers);
            var p = process[w];
            if (pending[w] is not { } op)
            {
                if (invoked >= ops) continue;
                pending[w] = rng.Next(2) == 0 ? ("enqueue", ++next) : ("dequeue", 0);
                Record(p, OpType.Invoke, pending[w]!.Value.F, pending[w]!.Value.F == "enqueue" ? next : null);
                invoked++;
                continue;
            }
            pending[w] = null;
            var fault = rng.NextDouble() < 0.15;
            var info = rng.NextDouble() < 0.12;
            if (op.F == "enqueue")
            {
                var applied = info ? rng.Next(2) == 0 : !fault || rng.Next(2) == 0; // a fault: acknowledged but dropped
                var outcome = info ? OpType.Info : rng.NextDouble() < 0.1 ? OpType.Fail : OpType.Ok;
                if (outcome == OpType.Fail) applied = fault; // a fault here: failed yet applied
                if (applied) queue.Add(op.X);
                if (outcome != OpType.Info || rng.NextDouble() < 0.7) Record(p, outcome, "enqueue", op.X);
            }
            else
            {
                if (queue.Count == 0 || (fault && rng.Next(3) == 0))
                {
                    if (info) { if (rng.NextDouble() < 0.7) Record(p, OpType.Info, "dequeue", null); }
                    else if (fault && rng.Next(2) == 0) Record(p, OpType.Ok, "dequeue", 99L); // made up
                    else Record(p, OpType.Fail, "dequeue", null, "empty");                 // possibly a wrong "empty"
                }
                else
                {
                    var i = rng.Next(queue.Count);
                    var x = queue[i];
                    var take = !(fault && rng.Next(2) == 0); // a fault: delivered but left in place
                    if (info) take = rng.Next(2) == 0;
                    if (take) queue.RemoveAt(i);
                    if (!info) Record(p, OpType.Ok, "dequeue", x);
                    else if (rng.NextDouble() < 0.7) Record(p, OpType.Info, "dequeue", null);
                }
            }
            if (info) process[w] += workers;
        }
        var drainer = process.Max() + 1;
        while (true)
        {
            Record(drainer, OpType.Invoke, "dequeue", null);
            if (queue.Count == 0) { Record(drainer, OpType.Fail, "dequeue", null, "empty"); break; }
            Record(drainer, OpType.Ok, "dequeue", queue[0]);
            queue.RemoveAt(0);
        }
        return history;
    }

    /// <summary>One client call as brute force sees it: ok and "empty" calls must take effect inside their interval; indeterminate ones may, any time after their invoke, or never.</summary>
    sealed record Call(int Invoke, int Return, bool Required, string F, long? Element);

    /// <summary>
    /// Whether some order of the calls' effects explains the history: each takes effect after every
    /// required call that returned before it was invoked; an enqueue adds its element, an ok dequeue removes
    /// the element it returned (which must be there), an indeterminate dequeue removes some element or
    /// nothing happened, and an "empty" dequeue sees the queue empty. Other failed calls never took effect.
    /// </summary>
    static bool BruteForce(List<Op> history)
    {
        var calls = new List<Call>();
        foreach (var c in ClientCalls.Of(history, "h"))
        {
            var empty = c.Outcome == OpType.Fail && c.Completion!.Error == "empty";
            if (c.Outcome == OpType.Fail && !empty) continue;
            var required = c.Outcome == OpType.Ok || empty;
            long? element = c.Invoke.F == "enqueue" ? (long)c.Invoke.Value! : c.Outcome == OpType.Ok ? (long)c.Completion!.Value! : null;
            calls.Add(new Call(c.InvokeAt, required ? c.CompletedAt : int.MaxValue, required, empty ? "empty" : c.Invoke.F, element));
        }
        var seen = new HashSet<string>();
        bool Search(int done, List<long> queue)
        {
            if (calls.Select((c, i) => (c, i)).All(t => !t.c.Required || (done & (1 << t.i)) != 0)) return true;
            if (!seen.Add($"{done}:{string.Join(",", queue.Order())}")) return false;
            var deadline = calls.Select((c, i) => (c, i)).Where(t => t.c.Required && (done & (1 << t.i)) == 0).Min(t => t.c.Return);
            for (var i = 0; i < calls.Count; i++)
            {
                var c = calls[i];
                if ((done & (1 << i)) != 0 || c.Invoke > deadline) continue;
                var mask = done | (1 << i);
                switch (c.F)
                {
                    case "enqueue":
                        if (Search(mask, [.. queue, c.Element!.Value])) return true;
                        break;
                    case "empty":
                        if (queue.Count == 0 && Search(mask, queue)) return true;
                        break;
                    case "dequeue" when c.Element is { } x:
                        if (queue.Contains(x) && Search(mask, Without(queue, x))) return true;
                        break;
                    default: // an indeterminate dequeue: it took some element, or (if none) nothing
                        foreach (var y in queue.Distinct())
                            if (Search(mask, Without(queue, y))) return true;
                        if (queue.Count == 0 && Search(mask, queue)) return true;
                        break;
                }
            }
            return false;
        }
        return Search(0, []);
    }

    static List<long> Without(List<long> queue, long x)
    {
        var copy = new List<long>(queue);
        copy.Remove(x);
        return copy;
    }

    [Fact]
    public void Whenever_the_queue_checker_says_invalid_no_execution_explains_the_history()
    {
        var rng = new Random(9090);
        int invalid = 0, unexplained = 0;
        for (var i = 0; i < 3000; i++)
        {
            var history = RandomQueue(rng, rng.Next(2, 4), rng.Next(2, 8));
            if (history.Count(o => o.Type == OpType.Invoke) > 14) continue; // keep brute force small
            var result = new QueueChecker().Check(history);
            var explained = BruteForce(history);
            if (result.Verdict == Verdict.Invalid && explained)
                Assert.Fail($"history {i}: the checker says invalid, but an execution explains it:\n{string.Join("\n", history)}\n{result.Summary}");
            if (result.Verdict == Verdict.Invalid) invalid++;
            if (!explained) unexplained++;
        }
        Assert.True(invalid > 300, $"only {invalid} histories found invalid ({unexplained} unexplained by any execution)");
    }
}
