using Checker.Core.History;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Workloads;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>The bank client against a real ensemble.</summary>
[Collection(ZooKeeperClientsCollection.Name)]
[Trait("Tier", "Slow")]
public sealed class ZooKeeperBankClientTests(ZooKeeperEnsemble zk)
{
    static readonly BankSettings Settings = new() { Accounts = 4, InitialBalance = 10, MaxTransfer = 5 };

    ZooKeeperBanks Banks(double faultProbability = 0) =>
        new(zk.Endpoints, ZooKeeperEnsemble.NewRoot(), ZooKeeperEnsemble.Options(), Settings, faultProbability, seed: 1);

    static Task<Completion> Transfer(IClient c, long from, long to, long amount) =>
        c.InvokeAsync(new Invocation(BankWorkload.Transfer, null, BankWorkload.TransferValue(from, to, amount)), CancellationToken.None);

    static Task<Completion> Read(IClient c) => c.InvokeAsync(new Invocation(BankWorkload.Read, null, null), CancellationToken.None);

    static List<long> BalancesOf(Completion read)
    {
        Assert.Equal(OpType.Ok, read.Type);
        var m = (IDictionary<object, object?>)read.Value!;
        return Enumerable.Range(0, Settings.Accounts).Select(i => (long)m[(long)i]!).ToList();
    }

    [Fact]
    public async Task A_transfer_moves_money_between_two_accounts_and_a_read_sees_every_balance()
    {
        var banks = Banks();
        await banks.PrepareAsync(CancellationToken.None);
        await using var client = banks.Create(0);
        Assert.Equal([10L, 10L, 10L, 10L], BalancesOf(await Read(client)));
        Assert.Equal(OpType.Ok, (await Transfer(client, 0, 2, 3)).Type);
        await using var other = banks.Create(1);
        Assert.Equal([7L, 10L, 13L, 10L], BalancesOf(await Read(other)));
        Assert.Equal([7L, 10L, 13L, 10L], await banks.BalancesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_transfer_beyond_the_balance_is_refused_and_changes_nothing()
    {
        var banks = Banks();
        await banks.PrepareAsync(CancellationToken.None);
        await using var client = banks.Create(2);
        Assert.Equal(Completion.Fail("insufficient funds"), await Transfer(client, 1, 0, 11));
        Assert.Equal([10L, 10L, 10L, 10L], await banks.BalancesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task In_half_transfers_mode_only_the_debit_is_written()
    {
        var banks = Banks(faultProbability: 1);
        await banks.PrepareAsync(CancellationToken.None);
        await using var client = banks.Create(1);
        Assert.Equal(OpType.Ok, (await Transfer(client, 3, 1, 4)).Type);
        Assert.Equal([10L, 10L, 10L, 6L], await banks.BalancesAsync(CancellationToken.None));
        Assert.Equal(36L, BalancesOf(await Read(client)).Sum());
    }

    [Fact]
    public async Task Concurrent_transfers_keep_the_total_in_every_read_and_never_overdraw()
    {
        var banks = Banks();
        await banks.PrepareAsync(CancellationToken.None);
        var clients = Enumerable.Range(0, 6).Select(i => banks.Create(i % 3)).ToList();
        var outcomes = await Task.WhenAll(clients.Select(async (c, w) =>
        {
            var random = new Random(w);
            var results = new List<(string F, Completion Done)>();
            for (var i = 0; i < 40; i++)
            {
                var from = random.Next(4);
                results.Add(i % 3 == 0
                    ? (BankWorkload.Read, await Read(c))
                    : (BankWorkload.Transfer, await Transfer(c, from, (from + 1 + random.Next(3)) % 4, 1 + random.Next(5))));
            }
            return results;
        }));
        foreach (var c in clients) await c.DisposeAsync();
        var all = outcomes.SelectMany(o => o).ToList();
        Assert.Contains(all, o => o.F == BankWorkload.Transfer && o.Done.Type == OpType.Ok);
        var reads = all.Where(o => o.F == BankWorkload.Read && o.Done.Type == OpType.Ok).Select(o => BalancesOf(o.Done)).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, r => Assert.Equal(40L, r.Sum()));
        Assert.All(reads, r => Assert.All(r, b => Assert.True(b >= 0)));
        var final = await banks.BalancesAsync(CancellationToken.None);
        Assert.Equal(40L, final.Sum());
        Assert.All(final, b => Assert.True(b >= 0));
    }
}
