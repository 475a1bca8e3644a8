using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Benchmarks;

/// <summary>
/// Writes large set, queue, mutex and bank histories straight to a JSON Lines file, shaped as a run records
/// them: ten workers whose operations overlap in batches, each batch's ops taking effect in the order they
/// complete (so the history is correct by construction), a little over 1 % of them failed or indeterminate
/// (an indeterminate op retires its process, as the runner does), a partition every 100,000 ops, and the
/// workload's final phase. Nothing is held in memory but the simulated object.
/// </summary>
public sealed class WorkloadHistories : IDisposable
{
    const int Workers = 10;
    readonly StreamWriter writer;
    readonly Random rng = new(2024);
    readonly int[] process = Enumerable.Range(0, Workers).ToArray();
    long index, time;

    public long Records => index;

    WorkloadHistories(string path) => writer = new StreamWriter(path);

    public void Dispose() => writer.Dispose();

    void Emit(int p, OpType type, string f, object? value, string? error = null)
    {
        JsonLinesHistory.Write(writer, new Op(index++, time, p, type, f, value, null, error));
        writer.Write('\n');
        time += rng.Next(20_000, 80_000); // 20-80 µs apart: about 2,000 s for a million operations
    }

    /// <summary>
    /// Runs batches of overlapping operations until `operations` have been invoked: each batch invokes one op
    /// on each of a few workers, then completes them in random order. next picks a worker's op; complete
    /// decides its outcome against the simulated object (Invoke: it never completes).
    /// </summary>
    void Run(long operations, Func<int, (string F, object? Value)> next, Func<int, string, object?, (OpType Type, object? Value, string? Error)> complete)
    {
        long done = 0;
        while (done < operations)
        {
            if (done % 100_000 < Workers) Emit(Op.NemesisProcess, OpType.Info, done % 200_000 < Workers ? "start-partition" : "stop-partition", null);
            var batch = Enumerable.Range(0, Workers).OrderBy(_ => rng.Next()).Take((int)Math.Min(rng.Next(1, Workers + 1), operations - done)).ToList();
            var invoked = batch.Select(w => (Worker: w, Op: next(w))).ToList();
            foreach (var (w, op) in invoked) Emit(process[w], OpType.Invoke, op.F, op.Value);
            foreach (var (w, op) in invoked.OrderBy(_ => rng.Next()))
            {
                var (type, value, error) = complete(w, op.F, op.Value);
                if (type != OpType.Invoke) Emit(process[w], type, op.F, value, error);
                if (type is OpType.Info or OpType.Invoke) process[w] += Workers;
            }
            done += batch.Count;
        }
    }

    double Roll() => rng.NextDouble();

    /// <summary>Adds of rising elements, a read of the whole set every 200,000 ops, three final reads.</summary>
    public static long Set(string path, long operations)
    {
        using var h = new WorkloadHistories(path);
        var set = new List<long>();
        long nextElement = 0, readsDue = 0;
        h.Run(operations - 3,
            w => (readsDue += 1) % 200_000 == 0 ? ("read", null) : ("add", nextElement++),
            (w, f, v) =>
            {
                if (f == "read") return (OpType.Ok, new List<long>(set), null);
                var x = (long)v!;
                var roll = h.Roll();
                if (roll < 0.01) { if (roll < 0.005) set.Add(x); return (OpType.Info, v, null); }
                if (roll < 0.02) return (OpType.Fail, v, "rejected");
                set.Add(x);
                return (OpType.Ok, v, null);
            });
        for (var i = 0; i < 3; i++) h.Run(1, _ => ("read", null), (_, _, _) => (OpType.Ok, new List<long>(set), null));
        return h.Records;
    }

    /// <summary>Enqueues and dequeues half and half, then a drain until three dequeues find the queue empty.</summary>
    public static long Queue(string path, long operations)
    {
        using var h = new WorkloadHistories(path);
        var queue = new Queue<long>();
        long nextElement = 0;
        (OpType, object?, string?) Complete(int w, string f, object? v)
        {
            var roll = h.Roll();
            if (f == "enqueue")
            {
                if (roll < 0.005) { if (roll < 0.0025) queue.Enqueue((long)v!); return (OpType.Info, v, null); }
                if (roll < 0.01) return (OpType.Fail, v, "rejected");
                queue.Enqueue((long)v!);
                return (OpType.Ok, v, null);
            }
            if (roll < 0.005) return (OpType.Info, null, "timeout before sending");
            return queue.TryDequeue(out var x) ? (OpType.Ok, x, null) : (OpType.Fail, null, "empty");
        }
        h.Run(operations - 20_000, _ => h.Roll() < 0.5 ? ("enqueue", nextElement++) : ("dequeue", null), Complete);
        var empties = 0;
        h.Run(20_000, _ => ("dequeue", null), (w, f, v) =>
        {
            var r = Complete(w, f, v);
            if (r.Item3 == "empty") empties++;
            return r;
        });
        return empties > 0 ? h.Records : throw new InvalidOperationException("the queue was never drained");
    }

    /// <summary>Workers alternate acquire and release of one lock; an acquire of a held lock fails.</summary>
    public static long Mutex(string path, long operations)
    {
        using var h = new WorkloadHistories(path);
        var holds = new bool[Workers];
        int? holder = null;
        h.Run(operations, w => (holds[w] ? "release" : "acquire", null), (w, f, _) =>
        {
            var p = h.process[w];
            var roll = h.Roll();
            if (f == "acquire")
            {
                if (roll < 0.001) return (OpType.Info, null, "timeout before sending");
                if (holder is not null) return (OpType.Fail, null, "held");
                holder = p;
                holds[w] = true;
                return (OpType.Ok, null, null);
            }
            holder = null; // the release takes effect, whatever the client hears
            holds[w] = false;
            return (roll < 0.001 ? OpType.Info : OpType.Ok, null, null);
        });
        return h.Records;
    }

    /// <summary>Eight accounts of 100; transfers and whole-bank reads half and half; transfers that would overdraw fail.</summary>
    public static long Bank(string path, long operations, int accounts = 8, long balance = 100)
    {
        using var h = new WorkloadHistories(path);
        var balances = Enumerable.Repeat(balance, accounts).ToArray();
        h.Run(operations, _ =>
        {
            if (h.Roll() < 0.5) return ("read", null);
            var from = h.rng.Next(accounts);
            var to = (from + h.rng.Next(1, accounts)) % accounts;
            return ("transfer", new Dictionary<string, long> { ["from"] = from, ["to"] = to, ["amount"] = h.rng.Next(1, 21) });
        }, (w, f, v) =>
        {
            var roll = h.Roll();
            if (f == "read")
                return roll < 0.002 ? (OpType.Info, null, "timeout") : (OpType.Ok, balances.Select((b, i) => (i, b)).ToDictionary(x => x.i.ToString(), x => x.b), null);
            var t = (Dictionary<string, long>)v!;
            var (from, to, amount) = ((int)t["from"], (int)t["to"], t["amount"]);
            var info = roll < 0.005;
            if (balances[from] < amount) return (info ? OpType.Info : OpType.Fail, v, info ? "timeout" : "insufficient funds");
            if (info && roll < 0.0025) return (OpType.Info, v, "timeout"); // indeterminate, and it did not happen
            balances[from] -= amount;
            balances[to] += amount;
            return (info ? OpType.Info : OpType.Ok, v, info ? "timeout" : null);
        });
        return h.Records;
    }
}
