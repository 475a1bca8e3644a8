using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>
/// Shrinks a non-linearizable history to a handful of operations a person can read. Every step only
/// weakens the history, so what remains is a real witness, not an artefact of the shrinking:
/// a read-only operation is dropped (it constrains but never explains), and any other operation
/// becomes indeterminate (it may take effect, or not). A step is kept while the history stays
/// non-linearizable. The definite operations that remain are the counterexample.
/// </summary>
internal static class Shrinker
{
    public static (List<Operation> Minimal, bool Complete) Shrink(
        IReadOnlyList<Operation> ops, Operation blocked, Model model, TimeSpan limit, CancellationToken cancel)
    {
        // Operations called after the blocked one returned cannot help it take effect in time.
        var current = ops.Where(o => o.Call <= blocked.Return).ToList();
        var deadline = DateTime.UtcNow + limit;
        var complete = true;

        bool StillInvalid(List<Operation> candidate)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) return false;
            var trial = TimeSpan.FromTicks(Math.Min(remaining.Ticks, TimeSpan.FromMilliseconds(250).Ticks));
            var outcome = Search.Run(candidate, model, new Budget(trial, 256L << 20, cancel));
            return outcome.Verdict == Verdict.Invalid;
        }

        if (!StillInvalid(current)) return (ops.Where(o => !o.Crashed).ToList(), false);

        // ddmin-style: weaken chunks, halving the chunk size down to single operations.
        for (var chunk = Math.Max(1, Definite(current).Count / 2); chunk >= 1; chunk /= 2)
        {
            var definite = Definite(current);
            for (var start = 0; start < definite.Count; start += chunk)
            {
                if (DateTime.UtcNow > deadline || cancel.IsCancellationRequested)
                {
                    complete = false;
                    break;
                }
                var group = definite.Skip(start).Take(chunk).Select(o => o.Invoke.Index).ToHashSet();
                var candidate = Weaken(current, group, model);
                if (StillInvalid(candidate)) current = candidate;
            }
            if (!complete || chunk == 1) break;
        }
        return (Definite(current), complete);
    }

    static List<Operation> Definite(List<Operation> ops) => ops.Where(o => !o.Crashed).ToList();

    static List<Operation> Weaken(List<Operation> ops, HashSet<long> group, Model model)
    {
        var result = new List<Operation>(ops.Count);
        foreach (var o in ops)
        {
            if (o.Crashed || !group.Contains(o.Invoke.Index)) result.Add(o);
            else if (!model.ReadOnly(o)) result.Add(o with { Crashed = true, Output = null, Return = long.MaxValue });
        }
        return result;
    }
}
