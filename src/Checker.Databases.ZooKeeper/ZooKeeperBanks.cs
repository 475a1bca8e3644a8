using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using static Checker.Databases.ZooKeeper.ZooKeeperOutcomes;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// Bank accounts in ZooKeeper: one znode per account under root/bank holding its balance. A transfer
/// syncs, reads both balances with their versions, refuses (nothing sent) when the source would go
/// negative and that is not allowed, then writes both in one multi that sets each only at the version
/// it read: a changed account fails the whole multi. A read gets every balance, then confirms them
/// with a multi of version checks, which commits through the quorum: when it passes, the balances
/// were all current at that one moment; when an account changed in between, it reads again, a few
/// times, then fails. In half-transfers mode a transfer is, with the fault probability, written as
/// its debit alone.
/// </summary>
internal sealed class ZooKeeperBanks(
    IReadOnlyList<(string Host, int Port)> nodes,
    string root,
    ZooKeeperClientOptions options,
    BankSettings bank,
    double faultProbability,
    int seed
) : ZooKeeperFactory(nodes, root + "/bank", options, faultProbability, seed)
{
    const int ReadAttempts = 4;
    readonly BankSettings bank = bank;

    string Account(int i) => $"{Dir}/a{i.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Creates every account with the opening balance.</summary>
    public override Task PrepareAsync(CancellationToken ct) =>
        ZooKeeperZnodes.PrepareAsync(Nodes, Options, [Dir], ct, async zk =>
        {
            for (var i = 0; i < bank.Accounts; i++)
                await ZooKeeperZnodes.CreatePathAsync(zk, Account(i), Encode(bank.InitialBalance));
        });

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) =>
        new Client(Nodes[node], Options, this, dice);

    /// <summary>The balances now, read through the first node (for tests).</summary>
    internal async Task<List<long>> BalancesAsync(CancellationToken ct)
    {
        await using var zk = await SyncedAsync(ct);
        var balances = new List<long>();
        for (var i = 0; i < bank.Accounts; i++)
            balances.Add(Decode((await zk.GetDataAsync(Account(i))).Data)!.Value);
        return balances;
    }

    sealed class Client(
        (string Host, int Port) node,
        ZooKeeperClientOptions options,
        ZooKeeperBanks bank,
        ClientFaults.Dice dice
    ) : ZooKeeperWorkerClient(node, options)
    {
        protected override async Task<Completion> PerformAsync(
            Invocation op,
            ZooKeeperClient zk,
            CancellationToken ct
        ) =>
            op.F switch
            {
                BankWorkload.Transfer => await TransferAsync(zk, op.Value),
                BankWorkload.Read => await ReadAsync(zk),
                _ => Completion.Fail($"unknown f {op.F}"),
            };

        async Task<Completion> TransferAsync(ZooKeeperClient zk, object? value)
        {
            var (from, to, amount) = BankWorkload.ParseTransfer(value);
            DataResult source,
                target;
            try
            {
                await zk.SyncAsync(bank.Dir);
                source = await zk.GetDataAsync(bank.Account(from));
                target = await zk.GetDataAsync(bank.Account(to));
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForRead(e, "read balances");
            } // nothing written
            var (have, has) = (Decode(source.Data)!.Value, Decode(target.Data)!.Value);
            if (have - amount < 0 && !bank.bank.AllowNegative)
                return Completion.Fail("insufficient funds");
            var debit = new MultiOp.SetData(bank.Account(from), Encode(have - amount), source.Stat.Version);
            var credit = new MultiOp.SetData(bank.Account(to), Encode(has + amount), target.Stat.Version);
            var halfOnly = dice.Misbehaves(); // half-transfers: the credit is never written
            try
            {
                await zk.MultiAsync(halfOnly ? [debit] : [debit, credit]);
                return Completion.Ok(value);
            }
            catch (ZooKeeperMultiException e) when (e.Code == ErrorCode.BadVersion)
            {
                return Completion.Fail("an account changed since it was read");
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForChange(e);
            }
        }

        async Task<Completion> ReadAsync(ZooKeeperClient zk)
        {
            try
            {
                for (var attempt = 0; attempt < ReadAttempts; attempt++)
                {
                    var seen = new List<DataResult>();
                    for (var i = 0; i < bank.bank.Accounts; i++)
                        seen.Add(await zk.GetDataAsync(bank.Account(i)));
                    try
                    {
                        await zk.MultiAsync(
                            seen.Select((d, i) => (MultiOp)new MultiOp.Check(bank.Account(i), d.Stat.Version))
                        );
                        return Completion.Ok(BankWorkload.Balances(seen.Select(d => Decode(d.Data)!.Value).ToList()));
                    }
                    // an account changed while we read: again
                    catch (ZooKeeperMultiException e) when (e.Code == ErrorCode.BadVersion) { }
                }
                return Completion.Fail($"the balances changed during each of {ReadAttempts} reads");
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForRead(e);
            }
        }
    }
}
