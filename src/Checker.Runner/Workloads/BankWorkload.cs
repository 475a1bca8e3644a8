using Checker.Core.Checks;

namespace Checker.Runner.Workloads;

/// <summary>The bank workload's fields: the accounts, their opening balance, transfer sizes and the op mix.</summary>
public class BankSettings : Databases.ISpecSettings
{
    public int Accounts { get; set; } = 5;
    public long InitialBalance { get; set; } = 10;

    /// <summary>Transfers move 1..maxTransfer.</summary>
    public long MaxTransfer { get; set; } = 5;
    public double TransferWeight { get; set; } = 1;
    public double ReadWeight { get; set; } = 1;

    /// <summary>Whether a balance may go below zero (the clients refuse such transfers unless it may).</summary>
    public bool AllowNegative { get; set; }

    /// <summary>What every read must add up to.</summary>
    public long Total => Accounts * InitialBalance;

    public virtual string? Problem() =>
        Accounts is < 2 or > 1000 ? "field 'workload.accounts' must be 2..1000"
        : InitialBalance is < 0 or > 1_000_000_000 ? "field 'workload.initialBalance' must be 0..1000000000"
        : MaxTransfer < 1 ? "field 'workload.maxTransfer' must be at least 1"
        : TransferWeight <= 0 ? "field 'workload.transferWeight' must be positive"
        : ReadWeight < 0 ? "field 'workload.readWeight' must not be negative"
        : null;
}

/// <summary>
/// Bank transfers: move an amount between two accounts in one transaction, and read every balance in
/// one transaction; the final phase reads. Money must never appear or vanish: every read adds up to
/// the opening total, and no balance goes negative unless allowed.
/// </summary>
public sealed class BankWorkload(BankSettings settings) : IWorkload
{
    public const string Transfer = Core.Workloads.BankChecker.Transfer,
        Read = Core.Workloads.BankChecker.Read;

    public Core.Workloads.WorkloadDescriptor Descriptor => Core.Workloads.BuiltInWorkloads.Bank;

    public Invocation Next(int worker, Random random)
    {
        if (random.NextDouble() * (settings.TransferWeight + settings.ReadWeight) < settings.ReadWeight)
            return new Invocation(Read, null, null);
        var from = random.Next(settings.Accounts);
        var to = (from + 1 + random.Next(settings.Accounts - 1)) % settings.Accounts;
        return new Invocation(Transfer, null, TransferValue(from, to, 1 + random.NextInt64(settings.MaxTransfer)));
    }

    public Invocation? Final(int worker, int n) => new(Read, null, null);

    /// <summary>A transfer's value as the history records it.</summary>
    public static Dictionary<object, object?> TransferValue(long from, long to, long amount) =>
        new()
        {
            ["from"] = from,
            ["to"] = to,
            ["amount"] = amount,
        };

    /// <summary>A transfer's fields back from its value.</summary>
    public static (int From, int To, long Amount) ParseTransfer(object? value)
    {
        var m = (IDictionary<object, object?>)value!;
        return ((int)(long)m["from"]!, (int)(long)m["to"]!, (long)m["amount"]!);
    }

    /// <summary>A read's value as the history records it: account number to balance.</summary>
    public static Dictionary<object, object?> Balances(IReadOnlyList<long> balances)
    {
        var m = new Dictionary<object, object?>();
        for (var i = 0; i < balances.Count; i++)
            m[(long)i] = balances[i];
        return m;
    }

    public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) =>
        [
            Descriptor.CreateChecker(
                new(options.Source, Bank: new(settings.Total, settings.AllowNegative, settings.Accounts))
            ),
        ];
}
