using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Tests.Support;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

/// <summary>
/// The set and mutex checkers against brute force on thousands of small random histories: every possible
/// execution is tried, and the checker must say invalid exactly when none explains the history.
/// </summary>
public class WorkloadDifferentialTests
{
    sealed record SetAdd(long Element, double Call, double? Return, OpType Outcome);

    /// <summary>
    /// A few adds, all invoked before one final read (as in a run: the main phase, then the final read), with
    /// any outcome and any overlap among themselves and with the read. The read shows what one execution
    /// would, sometimes with one element flipped in or out, so about half the histories are valid.
    /// </summary>
    static (List<Op> History, List<SetAdd> Adds, (double Call, double Return) Read, HashSet<long> Seen) RandomSet(Random rng)
    {
        var adds = new List<SetAdd>();
        var readCall = 5 + rng.NextDouble() * 5;
        var readReturn = readCall + rng.NextDouble() * 6;
        for (var x = 0; x < rng.Next(1, 6); x++)
        {
            var call = rng.NextDouble() * readCall;
            var outcome = rng.NextDouble() switch { < 0.5 => OpType.Ok, < 0.7 => OpType.Fail, < 0.95 => OpType.Info, _ => OpType.Invoke };
            adds.Add(new SetAdd(x, call, outcome == OpType.Invoke ? null : call + rng.NextDouble() * 8, outcome));
        }
        var point = readCall + rng.NextDouble() * (readReturn - readCall);
        var seen = new HashSet<long>();
        foreach (var a in adds)
        {
            var effect = a.Outcome switch
            {
                OpType.Ok => a.Call + rng.NextDouble() * (a.Return!.Value - a.Call),
                OpType.Fail => double.PositiveInfinity,
                _ => rng.Next(2) == 0 ? double.PositiveInfinity : a.Call + rng.NextDouble() * 10,
            };
            if (effect < point) seen.Add(a.Element);
        }
        if (rng.NextDouble() < 0.4)
        {
            var flip = (long)rng.Next(0, adds.Count + 1); // adds.Count: an element never added
            if (!seen.Remove(flip)) seen.Add(flip);
        }
        var events = new List<(double Time, Op Op)>();
        foreach (var a in adds)
        {
            events.Add((a.Call, new Op(0, 0, (int)a.Element, OpType.Invoke, "add", a.Element)));
            if (a.Return is { } r) events.Add((r, new Op(0, 0, (int)a.Element, a.Outcome, "add", a.Element)));
        }
        events.Add((readCall, new Op(0, 0, 99, OpType.Invoke, "read", null)));
        events.Add((readReturn, new Op(0, 0, 99, OpType.Ok, "read", seen.Order().Select(x => (object?)x).ToList())));
        var history = events.OrderBy(e => e.Time).Select((e, i) => e.Op with { Index = i, Time = (long)(e.Time * 1e6) }).ToList();
        return (history, adds, (readCall, readReturn), seen);
    }

    /// <summary>
    /// Every execution: the read takes effect at some moment inside its interval (one between each pair of
    /// neighbouring events is enough), and each add took effect before it or not, as its outcome allows:
    /// an ok add at a moment inside its interval, an indeterminate one at any moment after its invoke or
    /// never, a failed one never. The read must show exactly the adds that took effect before it.
    /// </summary>
    static bool SetBruteForce(List<SetAdd> adds, (double Call, double Return) read, HashSet<long> seen)
    {
        var times = adds.SelectMany(a => a.Return is { } r ? new[] { a.Call, r } : [a.Call])
            .Where(t => t > read.Call && t < read.Return).Append(read.Call).Append(read.Return).Order().ToList();
        for (var i = 0; i + 1 < times.Count; i++)
        {
            var point = (times[i] + times[i + 1]) / 2;
            for (var subset = 0; subset < 1 << adds.Count; subset++)
            {
                var possible = true;
                for (var k = 0; k < adds.Count && possible; k++)
                {
                    var a = adds[k];
                    var before = (subset & (1 << k)) != 0;
                    possible = before
                        ? a.Outcome != OpType.Fail && a.Call < point
                        : a.Outcome != OpType.Ok || a.Return > point;
                }
                if (possible && seen.SetEquals(adds.Where((_, k) => (subset & (1 << k)) != 0).Select(a => a.Element))) return true;
            }
        }
        return false;
    }

    [Fact]
    public void Set_checker_agrees_with_every_execution_tried_and_with_the_set_model()
    {
        var rng = new Random(4242);
        int valid = 0, invalid = 0;
        for (var i = 0; i < 4000; i++)
        {
            var (history, adds, read, seen) = RandomSet(rng);
            var expected = SetBruteForce(adds, read, seen) ? Verdict.Valid : Verdict.Invalid;
            var got = new SetChecker().Check(history);
            var model = new LinearizabilityChecker(new SetModel(null), new LinearizabilityOptions { ShrinkTime = TimeSpan.Zero }).Check(history);
            if (got.Verdict != expected || model.Verdict != expected)
                Assert.Fail($"history {i}: set checker {got.Verdict}, set model {model.Verdict}, brute force {expected}:\n{string.Join("\n", history)}\n{got.Summary}");
            if (expected == Verdict.Valid) valid++; else invalid++;
        }
        Assert.True(valid > 800 && invalid > 800, $"{valid} valid and {invalid} invalid histories");
    }

    /// <summary>
    /// Adds and two reads, the second (final) one sometimes overlapping the first, against a simulated set
    /// that sometimes forgets an element between the reads: whenever the set checker says invalid, the set
    /// model (an exact linearizability search) must agree, including when an indeterminate add was read once.
    /// </summary>
    [Fact]
    public void Set_checker_with_an_earlier_read_is_invalid_only_when_no_order_explains_the_history()
    {
        var rng = new Random(5151);
        int invalid = 0, readThenLost = 0;
        for (var i = 0; i < 4000; i++)
        {
            var events = new List<(double Time, Op Op)>();
            var effects = new Dictionary<long, double>();
            for (var x = 0; x < rng.Next(1, 6); x++)
            {
                var call = rng.NextDouble() * 6;
                var end = call + rng.NextDouble() * 4;
                var outcome = rng.NextDouble() switch { < 0.45 => OpType.Ok, < 0.6 => OpType.Fail, _ => OpType.Info };
                events.Add((call, new Op(0, 0, x, OpType.Invoke, "add", (long)x)));
                events.Add((end, new Op(0, 0, x, outcome, "add", (long)x)));
                if (outcome == OpType.Ok) effects[x] = call + rng.NextDouble() * (end - call);
                else if (outcome == OpType.Info && rng.Next(2) == 0) effects[x] = call + rng.NextDouble() * 6;
            }
            var first = (Call: 2 + rng.NextDouble() * 4, Return: 0.0);
            first.Return = first.Call + rng.NextDouble() * 3;
            var second = (Call: first.Call + rng.NextDouble() * 5, Return: 0.0);
            second.Return = Math.Max(second.Call, first.Return) + rng.NextDouble() * 3;
            List<object?> Read(double at, bool forget) =>
                effects.Where(e => e.Value < at).Select(e => e.Key).Where(_ => !forget || rng.NextDouble() < 0.7).Order().Select(x => (object?)x).ToList();
            events.Add((first.Call, new Op(0, 0, 98, OpType.Invoke, "read", null)));
            events.Add((first.Return, new Op(0, 0, 98, OpType.Ok, "read", Read(first.Call + rng.NextDouble() * (first.Return - first.Call), false))));
            events.Add((second.Call, new Op(0, 0, 99, OpType.Invoke, "read", null)));
            events.Add((second.Return, new Op(0, 0, 99, OpType.Ok, "read", Read(second.Call + rng.NextDouble() * (second.Return - second.Call), rng.NextDouble() < 0.5))));
            var history = events.OrderBy(e => e.Time).Select((e, k) => e.Op with { Index = k, Time = (long)(e.Time * 1e6) }).ToList();
            var got = new SetChecker().Check(history);
            if (got.Verdict != Verdict.Invalid) continue;
            var model = new LinearizabilityChecker(new SetModel(null), new LinearizabilityOptions { ShrinkTime = TimeSpan.Zero }).Check(history);
            if (model.Verdict != Verdict.Invalid)
                Assert.Fail($"history {i}: the set checker says invalid, the set model {model.Verdict}:\n{string.Join("\n", history)}\n{got.Summary}");
            invalid++;
            var report = (SetReport)got.Details!;
            var acknowledged = history.Where(o => o.Type == OpType.Ok && o.F == "add").Select(o => (long)o.Value!).ToHashSet();
            if (report.Lost.First.Any(e => !acknowledged.Contains(e.Element))) readThenLost++;
        }
        Assert.True(invalid > 300 && readThenLost > 30, $"{invalid} invalid, {readThenLost} with an indeterminate add read and then lost");
    }

    /// <summary>
    /// Workers alternating acquire and release against a simulated lock that sometimes misbehaves (grants a
    /// held lock, acknowledges a release it did not do) and workers that sometimes release a lock they do not hold; an indeterminate op retires its process, as in a run.
    /// </summary>
    static List<Op> RandomMutex(Random rng, int workers, int ops)
    {
        var history = new List<Op>();
        var process = Enumerable.Range(0, workers).ToArray();
        var holds = new bool[workers];      // what each worker believes
        var pending = new string?[workers];
        int? holder = null;                 // what the lock believes (a process number)
        var invoked = 0;
        while (invoked < ops || pending.Any(p => p is not null))
        {
            var w = rng.Next(workers);
            var p = process[w];
            void Record(OpType t, string f) => history.Add(new Op(history.Count, history.Count, p, t, f, null));
            if (pending[w] is null)
            {
                if (invoked >= ops) continue;
                pending[w] = holds[w] || rng.NextDouble() < 0.1 ? "release" : "acquire"; // sometimes a stray release
                Record(OpType.Invoke, pending[w]!);
                invoked++;
                continue;
            }
            var f = pending[w]!;
            pending[w] = null;
            var roll = rng.NextDouble();
            var fault = rng.NextDouble() < 0.2;
            var outcome = roll < 0.12 ? OpType.Info : f == "acquire"
                ? (holder is null || fault ? OpType.Ok : OpType.Fail)
                : (holder == p || fault ? OpType.Ok : OpType.Fail);
            var effect = outcome == OpType.Ok ? !(fault && f == "release") : outcome == OpType.Info && rng.Next(2) == 0;
            if (effect) holder = f == "acquire" ? p : (holder == p ? null : holder);
            if (outcome != OpType.Info || rng.NextDouble() < 0.7) Record(outcome, f); // else it never completes
            if (outcome == OpType.Ok) holds[w] = f == "acquire";
            if (outcome == OpType.Info)
            {
                process[w] += workers;
                holds[w] = false;
            }
        }
        return history;
    }

    /// <summary>Pairs of certain holders that overlap, found by comparing every pair: the definition, spelled out.</summary>
    static int NaiveOverlaps(List<Op> history)
    {
        var calls = ClientCalls.Of(history, "h");
        var holds = new List<(int Process, int From, int To)>();
        foreach (var a in calls.Where(c => c.Invoke.F == "acquire" && c.Outcome == OpType.Ok))
        {
            var p = a.Invoke.Process;
            if (holds.Any(h => h.Process == p && h.From < a.CompletedAt && h.To > a.CompletedAt)) continue; // already holding
            var release = calls.Where(c => c.Invoke.Process == p && c.Invoke.F == "release" && c.Outcome != OpType.Fail && c.InvokeAt > a.CompletedAt)
                .Select(c => c.InvokeAt).DefaultIfEmpty(int.MaxValue).Min();
            holds.Add((p, a.CompletedAt, release));
        }
        var n = 0;
        for (var i = 0; i < holds.Count; i++)
            for (var j = i + 1; j < holds.Count; j++)
                if (holds[i].From < holds[j].To && holds[j].From < holds[i].To) n++;
        return n;
    }

    [Fact]
    public void Mutex_checker_agrees_with_brute_force_linearization_and_the_overlaps_by_definition()
    {
        var rng = new Random(777);
        var model = new MutexModel(null);
        int valid = 0, invalid = 0, overlapOnly = 0;
        for (var i = 0; i < 3000; i++)
        {
            var history = RandomMutex(rng, rng.Next(2, 4), rng.Next(2, 9));
            if (history.Count == 0) continue;
            var linearizable = BruteForce.IsLinearizable(Pairing.Pair(history), model);
            var overlaps = NaiveOverlaps(history);
            var expected = linearizable && overlaps == 0 ? Verdict.Valid : Verdict.Invalid;
            var result = new MutexChecker(new LinearizabilityOptions { ShrinkTime = TimeSpan.Zero }).Check(history);
            var report = (MutexReport)result.Details!;
            if (result.Verdict != expected || report.Overlaps != overlaps || report.Linearizability.Verdict != (linearizable ? Verdict.Valid : Verdict.Invalid))
                Assert.Fail($"history {i}: checker {result.Verdict} ({report.Overlaps} overlaps), brute force linearizable={linearizable}, {overlaps} overlaps:\n{string.Join("\n", history)}");
            if (expected == Verdict.Valid) valid++; else invalid++;
            if (linearizable && overlaps > 0) overlapOnly++;
        }
        Assert.True(valid > 500 && invalid > 500, $"{valid} valid and {invalid} invalid histories");
        Assert.True(overlapOnly > 0, "no history where only the overlaps find the fault");
    }
}
