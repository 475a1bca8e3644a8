using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Tests.Support;

/// <summary>
/// The reference the search is tested against: tries every order of the operations that respects
/// real time (a before b when a returned strictly before b was called), with every choice of which
/// crashed operations took effect. Exponential, so only for a handful of operations.
/// </summary>
public static class BruteForce
{
    public static bool IsLinearizable(IReadOnlyList<Operation> ops, Model model) => IsLinearizable(ops, model, model.Initial);

    public static bool IsLinearizable(IReadOnlyList<Operation> ops, Model model, object? initial)
    {
        var done = new bool[ops.Count];
        var definiteLeft = ops.Count(o => !o.Crashed);
        return Extend(initial, definiteLeft);

        bool Extend(object? state, int left)
        {
            if (left == 0) return true;
            for (var i = 0; i < ops.Count; i++)
            {
                if (done[i] || !Ready(i)) continue;
                if (!model.Step(state, ops[i], out var next)) continue;
                done[i] = true;
                var ok = Extend(next, left - (ops[i].Crashed ? 0 : 1));
                done[i] = false;
                if (ok) return true;
            }
            return false;
        }

        // Every definite op that returned before ops[i] was called must already have taken effect.
        bool Ready(int i)
        {
            for (var j = 0; j < ops.Count; j++)
                if (!done[j] && !ops[j].Crashed && ops[j].Return < ops[i].Call) return false;
            return true;
        }
    }
}
