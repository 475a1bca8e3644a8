using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>A counterexample cut down to what a person needs to read.</summary>
/// <param name="Minimal">The definite operations that cannot be reconciled (minimal only when Kind says so).</param>
/// <param name="Kind">How far shrinking got: to a minimal set, part of the way, or not at all (the history
/// prefix).</param>
/// <param name="Starts">Where Minimal starts: the configurations possible at the cut (else where the search
/// began).</param>
/// <param name="StartAfter">The last operation before the cut, or null if there is no cut.</param>
/// <param name="PrefixOps">The definite operations of the history prefix shrinking started from.</param>
/// <param name="Stopped">Why shrinking stopped short of a minimal set (null when it did not).</param>
internal sealed record Shrunk(
    List<Operation> Minimal,
    CounterexampleKind Kind,
    IReadOnlyList<StartConfig> Starts,
    Operation? StartAfter,
    int PrefixOps,
    string? Stopped
)
{
    public bool Complete => Kind == CounterexampleKind.Minimal;
}

/// <summary>
/// Shrinks a non-linearizable history to a handful of operations. Every step only weakens the history,
/// so what remains is a real witness, not an artefact of the shrinking:
/// 1. Cut at a quiet moment before the failure (no definite operation in flight): everything before it
///    is replaced by the configurations it can end in (a state, and which crashed operations it used).
///    The latest cut that keeps the failure gives the shortest story.
/// 2. Weaken what remains, in ever smaller groups (ddmin): a read-only operation is dropped (it
///    constrains but never explains), any other becomes indeterminate (it may take effect, or not).
///    A step is kept while the history stays non-linearizable.
/// Shrinking is bounded by work, not time, so that the same history gives the same counterexample on any
/// machine, however loaded: each trial may explore so many configurations, and all trials together so
/// many (both scaled from the search's own work, see <see cref="Limits"/>). The time limit is only a safety
/// net. The result is minimal (no single operation can be weakened further) only when every step was
/// decided: a step whose trial ran out of its work proves nothing, so it leaves the result "partly shrunk".
/// </summary>
internal static class Shrinker
{
    const int CutAttempts = 40;

    /// <summary>
    /// The work shrinking may do, from the configurations the search explored (searchWork): all trials
    /// together 50 times as many as the search, within 50,000 and 2,000,000 (a tenth of a second to a few
    /// seconds); one trial a quarter of that at most.
    /// </summary>
    internal static (long Total, long Trial) Limits(long searchWork)
    {
        var total = Math.Clamp(searchWork * 50, 50_000L, 2_000_000L);
        return (total, total / 4);
    }

    /// <param name="searchWork">The configurations the search of the whole history explored.</param>
    /// <param name="limit">The most time shrinking may take: a safety net, rarely what stops it.</param>
    public static Shrunk Shrink(
        IReadOnlyList<Operation> ops,
        Operation blocked,
        Model model,
        IReadOnlyList<StartConfig> starts,
        long searchWork,
        TimeSpan limit,
        CancellationToken cancel
    )
    {
        // Operations called after the blocked one returned cannot help it take effect in time: the search
        // never passed its return, and a later call is never a candidate before it. So the prefix of the
        // history up to that return is already a counterexample, before any shrinking.
        var current = ops.Where(o => o.Call <= blocked.Return).ToList();
        var prefix = Definite(current);
        Shrunk Unshrunk(string why) => new(prefix, CounterexampleKind.HistoryPrefix, starts, null, prefix.Count, why);
        if (limit <= TimeSpan.Zero)
            return Unshrunk("shrinking is turned off");
        var now = DateTime.UtcNow;
        var deadline = limit >= DateTime.MaxValue - now ? DateTime.MaxValue : now + limit; // a huge limit is none
        var (totalWork, trialWork) = Limits(searchWork);
        var spent = 0L;
        bool OutOfTime() => DateTime.UtcNow > deadline;
        Budget Trial() => new(Max(deadline - DateTime.UtcNow, TimeSpan.Zero), 256L << 20, cancel);
        // A trial's cap: what is left of the whole, at most trialCap.
        long Cap(long trialCap) => Math.Max(0, Math.Min(trialCap, totalWork - spent));
        SearchOutcome Spend(SearchOutcome outcome)
        {
            spent += outcome.Configurations;
            return outcome;
        }

        Operation? startAfter = null;
        var first = Spend(Search.Run(current, model, Trial(), starts, trialWork));
        if (first.Verdict != Verdict.Invalid)
            return Unshrunk(
                OutOfTime() || cancel.IsCancellationRequested
                    ? $"the prefix could not be checked again within {Seconds(limit)}"
                    : $"the prefix could not be checked again within {Configurations(trialWork)}"
            );
        // Each later trial is a weaker history of at most this size. One that needs far more work than this
        // first check is exploring combinations of indeterminate operations: give up on that step.
        var trialCap = Math.Clamp(first.Configurations * 20, 2_000, trialWork);

        foreach (var cut in QuietMoments(current, blocked).Take(CutAttempts))
        {
            if (OutOfTime() || Cap(trialCap) == 0)
                break;
            var before = current.Where(o => o.Crashed ? o.Call <= cut : o.Return <= cut).ToList();
            var after = current.Where(o => o.Crashed || o.Call > cut).ToList();
            var ends = new List<StartConfig>();
            if (
                Spend(Search.Ends(before, model, Trial(), starts, ends, after, work: Cap(trialCap))).Verdict
                    != Verdict.Valid
                || Cap(trialCap) == 0
                || Spend(Search.Run(after, model, Trial(), ends, Cap(trialCap))).Verdict != Verdict.Invalid
            )
                continue;
            current = after;
            starts = ends;
            startAfter = before.Where(o => !o.Crashed).MaxBy(o => o.Return);
            break;
        }

        var undecided = 0; // steps whose trial ran out of its work: neither kept nor proven useless
        bool StillInvalid(List<Operation> candidate)
        {
            var cap = Cap(trialCap);
            var outcome = Spend(Search.Run(candidate, model, Trial(), starts, cap));
            if (
                outcome.Verdict == Verdict.Unknown
                && cap == trialCap
                && !OutOfTime()
                && !cancel.IsCancellationRequested
            )
                undecided++;
            return outcome.Verdict == Verdict.Invalid;
        }

        string? stopped = null;
        for (var chunk = Math.Max(1, Definite(current).Count / 2); ; chunk /= 2)
        {
            var definite = Definite(current);
            for (var start = 0; start < definite.Count; start += chunk)
            {
                if (OutOfTime() || cancel.IsCancellationRequested || spent >= totalWork)
                {
                    stopped =
                        cancel.IsCancellationRequested ? "cancelled"
                        : spent >= totalWork
                            ? $"out of its work ({Configurations(totalWork)}) while weakening groups of {Ops(chunk)}"
                        : $"out of its time ({Seconds(limit)}) while weakening groups of {Ops(chunk)}";
                    break;
                }
                var group = definite.Skip(start).Take(chunk).Select(o => o.Invoke.Index).ToHashSet();
                var candidate = Weaken(current, group, model);
                if (StillInvalid(candidate))
                    current = candidate;
            }
            if (stopped is not null || chunk == 1)
                break;
        }
        if (stopped is null && undecided > 0)
            stopped =
                $"{undecided} {(undecided == 1 ? "step was" : "steps were")} not decided within "
                + $"{Configurations(trialCap)} each";
        return new Shrunk(
            Definite(current),
            stopped is null ? CounterexampleKind.Minimal : CounterexampleKind.PartlyShrunk,
            starts,
            startAfter,
            prefix.Count,
            stopped
        );
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static string Configurations(long n) => $"{n:N0} configurations";

    static string Seconds(TimeSpan t) => t.TotalSeconds >= 1e6 ? "no limit" : $"{t.TotalSeconds:0.######} s";

    static string Ops(int n) => n == 1 ? "1 op" : $"{n} ops";

    /// <summary>Times, latest first, before the blocked operation's call at which no definite operation is in
    /// flight.</summary>
    static IEnumerable<long> QuietMoments(List<Operation> ops, Operation blocked)
    {
        var definite = ops.Where(o => !o.Crashed).ToList();
        var byCall = definite.OrderBy(o => o.Call).ToList();
        // latestReturn[i]: the latest return among the i+1 earliest-called operations.
        var latestReturn = new long[byCall.Count];
        for (var i = 0; i < byCall.Count; i++)
            latestReturn[i] = Math.Max(i > 0 ? latestReturn[i - 1] : long.MinValue, byCall[i].Return);
        foreach (var t in definite.Select(o => o.Return).Where(t => t < blocked.Call).Distinct().OrderDescending())
        {
            // Quiet at t if every operation called by t has returned by t.
            var calledBy = byCall.FindLastIndex(o => o.Call <= t);
            if (calledBy >= 0 && latestReturn[calledBy] <= t)
                yield return t;
        }
    }

    static List<Operation> Definite(List<Operation> ops) => ops.Where(o => !o.Crashed).ToList();

    static List<Operation> Weaken(List<Operation> ops, HashSet<long> group, Model model)
    {
        var result = new List<Operation>(ops.Count);
        foreach (var o in ops)
        {
            if (o.Crashed || !group.Contains(o.Invoke.Index))
                result.Add(o);
            else if (!model.ReadOnly(o))
                result.Add(o with { Crashed = true, Output = null, Return = long.MaxValue });
        }
        return result;
    }
}
