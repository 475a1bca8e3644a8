using System.Collections;
using System.Globalization;
using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Core.Workloads;

/// <summary>What the bank checker demands.</summary>
/// <param name="Total">The sum of all balances, as the workload set them up (accounts × initial balance); never
/// guessed from the history.</param>
/// <param name="AllowNegative">Whether a negative balance is allowed (a workload whose transfers may overdraw).</param>
/// <param name="Accounts">The accounts are 0..Accounts-1; null: every account any read or transfer names.</param>
public sealed record BankOptions(long Total, bool AllowNegative = false, int? Accounts = null);

/// <summary>One ok read that breaks the bank's invariants, named by its records.</summary>
/// <param name="Index">Index of the read's ok record (where the balances are).</param>
/// <param name="Time">That record's time in nanoseconds; -1 in an untimed history.</param>
/// <param name="Kinds">nil-balance, wrong-total, negative, missing-account, unexpected-account.</param>
/// <param name="Balances">The balances read, by account (at most 64 accounts; beyond, only the negative ones).</param>
public sealed record BadRead(
    long Index,
    long InvokeIndex,
    long Time,
    int Process,
    long Total,
    IReadOnlyList<string> Kinds,
    IReadOnlyList<long> Missing,
    IReadOnlyList<long> Unexpected,
    IReadOnlyList<long> Negative,
    IReadOnlyDictionary<string, long> Balances
)
{
    /// <summary>The accounts the read showed with a nil balance.</summary>
    public IReadOnlyList<long> Nil { get; init; } = [];
}

/// <summary>What the bank checker found: counts by kind, the range of totals read, and the first bad reads (capped at
/// 1000).</summary>
public sealed record BankReport(
    long ExpectedTotal,
    bool NegativeAllowed,
    int Accounts,
    int Reads,
    int BadReads,
    int WrongTotal,
    int Negative,
    int MissingAccount,
    int UnexpectedAccount,
    long? MinTotal,
    long? MaxTotal,
    IReadOnlyList<BadRead> FirstBadReads,
    int NilBalance = 0
);

/// <summary>
/// Jepsen's bank checker. Transfers move money between accounts atomically, so money is neither made nor
/// lost: every ok read (one snapshot of all balances) must show every account with a balance (a nil one is
/// Jepsen's nil-balance), sum to the expected total and, unless allowed, hold no negative balance. A read
/// that does not is named with its kinds. Transfers are not judged one by one: whatever they did, only the
/// snapshots can show money appear or vanish. With no ok read, nothing was observed: unknown.
/// </summary>
public sealed class BankChecker(BankOptions options, string source = "history") : IChecker
{
    public const string Transfer = "transfer",
        Read = "read";
    const int BalancesShown = 64;

    public string Name => "bank";

    public CheckResult Check(IReadOnlyList<Op> history, CancellationToken cancel = default) =>
        ClientCalls.UnlessCancelled(Name, "cancelled before the bank was judged", () => Judge(history, cancel), cancel);

    [Flags]
    enum Kind : byte
    {
        None = 0,
        WrongTotal = 1,
        Negative = 2,
        Missing = 4,
        Unexpected = 8,
        NilBalance = 16,
    }

    // Two streamed passes, holding nothing per op: a million-op history is mostly the reader's memory already.
    CheckResult Judge(IReadOnlyList<Op> history, CancellationToken cancel)
    {
        var named = new HashSet<long>(); // the accounts the history names, when the options do not say
        var seen = new HashSet<long>();
        foreach (var (invoke, done) in ClientCalls.Streamed(history, source, cancel))
        {
            switch (invoke.F)
            {
                case Transfer when options.Accounts is null:
                    if (invoke.Value is not IDictionary t)
                        throw Bad(
                            invoke,
                            $"a transfer's value must be a map {{from, to, amount}}, not {Values.Format(invoke.Value)}"
                        );
                    named.Add(Account(Field(t, "from", invoke), invoke));
                    named.Add(Account(Field(t, "to", invoke), invoke));
                    break;
                case Read when done?.Type == OpType.Ok && options.Accounts is null:
                    Facts(done, named, seen); // names the accounts it shows
                    break;
                case Transfer or Read:
                    break;
                default:
                    throw Bad(invoke, $"the bank checker has no operation '{invoke.F}' (transfer, read)");
            }
        }
        var accounts = options.Accounts ?? named.Count;
        int reads = 0,
            bad = 0,
            wrong = 0,
            negative = 0,
            missing = 0,
            unexpected = 0,
            nil = 0;
        long? min = null,
            max = null;
        var first = new List<BadRead>();
        foreach (var (invoke, done) in ClientCalls.Streamed(history, source, cancel))
        {
            if (invoke.F != Read || done?.Type != OpType.Ok)
                continue;
            reads++;
            var (total, shown, kinds) = Facts(done, named, seen);
            if (shown < accounts)
                kinds |= Kind.Missing; // every account it shows is known (or unexpected): so some are missing
            min = Math.Min(min ?? total, total);
            max = Math.Max(max ?? total, total);
            if (kinds == Kind.None)
                continue;
            bad++;
            if (kinds.HasFlag(Kind.WrongTotal))
                wrong++;
            if (kinds.HasFlag(Kind.Negative))
                negative++;
            if (kinds.HasFlag(Kind.Missing))
                missing++;
            if (kinds.HasFlag(Kind.Unexpected))
                unexpected++;
            if (kinds.HasFlag(Kind.NilBalance))
                nil++;
            if (first.Count < ElementList.Cap)
                first.Add(Describe(invoke, done, total, kinds, named));
        }
        var report = new BankReport(
            options.Total,
            options.AllowNegative,
            accounts,
            reads,
            bad,
            wrong,
            negative,
            missing,
            unexpected,
            min,
            max,
            first,
            nil
        );
        var verdict =
            reads == 0 ? Verdict.Unknown
            : bad > 0 ? Verdict.Invalid
            : Verdict.Valid;
        return new CheckResult(Name, verdict, Summarize(report), report);
    }

    /// <summary>One pass over a read's balances: its total, how many known accounts it shows, and what is wrong but
    /// missing accounts.</summary>
    (long Total, int Accounts, Kind Kinds) Facts(Op read, HashSet<long> named, HashSet<long> seen)
    {
        if (read.Value is not IDictionary balances)
            throw Bad(read, $"a read's ok value must be a map of account to balance, not {Values.Format(read.Value)}");
        Int128 sum = 0;
        var kinds = Kind.None;
        seen.Clear();
        void Visit(object key, object? value)
        {
            var account = Account(key, read);
            if (options.Accounts is null)
                named.Add(account);
            if (value is null)
            {
                kinds |= Kind.NilBalance; // there without a balance: Jepsen's nil-balance, not a missing account
                if (options.Accounts is not { } limit || (account >= 0 && account < limit))
                    seen.Add(account);
                else
                    kinds |= Kind.Unexpected;
                return;
            }
            var balance = ClientCalls.Integer(value, read, source, $"the balance of account {account}");
            sum += balance;
            if (balance < 0 && !options.AllowNegative)
                kinds |= Kind.Negative;
            if (options.Accounts is { } n && (account < 0 || account >= n))
                kinds |= Kind.Unexpected;
            else
                seen.Add(account);
        }
        // The readers' maps are Dictionary<object, object?>: enumerated as such, no entry is boxed.
        if (balances is Dictionary<object, object?> map)
            foreach (var (key, value) in map)
                Visit(key, value);
        else
            foreach (DictionaryEntry e in balances)
                Visit(e.Key, e.Value);
        if (sum != options.Total && !kinds.HasFlag(Kind.NilBalance))
            kinds |= Kind.WrongTotal; // a nil leaves no total
        var total =
            sum > long.MaxValue ? long.MaxValue
            : sum < long.MinValue ? long.MinValue
            : (long)sum;
        return (total, seen.Count, kinds);
    }

    /// <summary>A bad read named in full: its accounts missing, unexpected and negative, and the balances it
    /// showed.</summary>
    BadRead Describe(Op invoke, Op read, long total, Kind kinds, HashSet<long> named)
    {
        var balances = Shown((IDictionary)read.Value!, read, out var all);
        var expected = options.Accounts is { } n ? Enumerable.Range(0, n).Select(i => (long)i) : named;
        var names = new[]
        {
            (Kind.NilBalance, "nil-balance"),
            (Kind.WrongTotal, "wrong-total"),
            (Kind.Negative, "negative"),
            (Kind.Missing, "missing-account"),
            (Kind.Unexpected, "unexpected-account"),
        };
        return new BadRead(
            read.Index,
            invoke.Index,
            read.Time,
            read.Process,
            total,
            names.Where(k => kinds.HasFlag(k.Item1)).Select(k => k.Item2).ToList(),
            expected.Where(a => !all.ContainsKey(a)).Order().ToList(),
            options.Accounts is { } m ? all.Keys.Where(a => a < 0 || a >= m).Order().ToList() : [],
            options.AllowNegative ? [] : all.Where(a => a.Value < 0).Select(a => a.Key).Order().ToList(),
            balances
        )
        {
            Nil = NilAccounts((IDictionary)read.Value!, read),
        };
    }

    /// <summary>The accounts a read shows with a nil balance, in order.</summary>
    List<long> NilAccounts(IDictionary balances, Op read)
    {
        var nil = new List<long>();
        foreach (DictionaryEntry kv in balances)
            if (kv.Value is null)
                nil.Add(Account(kv.Key, read));
        nil.Sort();
        return nil;
    }

    static string Summarize(BankReport r)
    {
        if (r.Reads == 0)
            return "the balances were never read (no ok read), so no total was observed";
        var head =
            $"{r.Reads} ok reads of {r.Accounts} accounts, expected total {r.ExpectedTotal}"
            + (
                r.MinTotal == r.MaxTotal
                    ? $", every read's total {r.MinTotal}"
                    : $", totals read {r.MinTotal}..{r.MaxTotal}"
            )
            + (r.NegativeAllowed ? " (negative balances allowed)" : "");
        if (r.BadReads == 0)
            return head;
        var kinds = new[]
        {
            ("nil-balance", r.NilBalance),
            ("wrong-total", r.WrongTotal),
            ("negative", r.Negative),
            ("missing-account", r.MissingAccount),
            ("unexpected-account", r.UnexpectedAccount),
        }
            .Where(k => k.Item2 > 0)
            .Select(k => $"{k.Item2} {k.Item1}");
        var lines = new List<string> { $"{r.BadReads} bad reads ({string.Join(", ", kinds)}) of {head}" };
        lines.AddRange(
            r.FirstBadReads.Take(5)
                .Select(b =>
                    $"read op {b.Index} (process {b.Process}{(b.Time >= 0 ? $", {b.Time / 1e9:0.000} s" : "")}): "
                    + $"total {b.Total}"
                    + (b.Nil.Count > 0 ? $", nil balance of account {string.Join(", ", b.Nil)}" : "")
                    + (
                        b.Negative.Count > 0
                            ? ", negative "
                                + string.Join(
                                    ", ",
                                    b.Negative.Select(a => $"account {a} = {b.Balances.GetValueOrDefault(Key(a))}")
                                )
                            : ""
                    )
                    + (b.Missing.Count > 0 ? $", missing account {string.Join(", ", b.Missing)}" : "")
                    + (b.Unexpected.Count > 0 ? $", unexpected account {string.Join(", ", b.Unexpected)}" : "")
                )
        );
        if (r.BadReads > 5)
            lines.Add($"... ({r.BadReads - 5} more bad reads)");
        return string.Join("\n", lines);
    }

    /// <summary>The balances a bad read shows, by account in order; past 64 accounts only the negative ones.</summary>
    Dictionary<string, long> Shown(IDictionary balances, Op read, out Dictionary<long, long> all)
    {
        all = [];
        foreach (DictionaryEntry kv in balances)
            if (kv.Value is not null)
                all[Account(kv.Key, read)] = ClientCalls.Integer(kv.Value, read, source, "a balance");
        var shown = all.Count <= BalancesShown ? all : all.Where(a => a.Value < 0).Take(BalancesShown);
        return shown.OrderBy(a => a.Key).ToDictionary(a => Key(a.Key), a => a.Value);
    }

    static string Key(long account) => account.ToString(CultureInfo.InvariantCulture);

    /// <summary>An account as JSON ("0"), EDN (0, or the keyword :0) or a client writes it; anything else is a format
    /// error.</summary>
    long Account(object? key, Op op) =>
        AccountOf(key)
        ?? throw Bad(op, $"a bank account must be an integer (0, \"0\" or :0), not {Values.Format(key)}");

    /// <summary>The account number a map key names, or null: 0, "0" and :0 are account 0.</summary>
    public static long? AccountOf(object? key) =>
        key switch
        {
            long l => l,
            int i => i,
            _ when Names.Of(key) is { } s
                    && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
            _ => null,
        };

    /// <summary>The total of an ok read's balances, for pictures; null when the value is not a map of
    /// integers.</summary>
    public static long? TotalOf(object? value)
    {
        if (value is not IDictionary balances)
            return null;
        long sum = 0;
        foreach (DictionaryEntry kv in balances)
        {
            if (kv.Value is null)
                continue;
            if (kv.Value is not long b)
                return null;
            sum = unchecked(sum + b);
        }
        return sum;
    }

    object? Field(IDictionary map, string name, Op op) =>
        map.Contains(name) ? map[name]
        : map.Contains(new Keyword(name)) ? map[new Keyword(name)]
        : throw Bad(op, $"a transfer names no '{name}' account: {Values.Format(map)}");

    HistoryFormatException Bad(Op op, string problem) => new(source, op.Line, $"op {op.Index}: {problem}");
}
