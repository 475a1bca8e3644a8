using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// Bank accounts in etcd: one key per account, prefix/bank/N, holding its balance as decimal text.
/// A transfer reads every account in one linearizable range (their balances and mod revisions at one
/// revision), refuses (fail, nothing sent) when the source is short and negatives are not allowed,
/// then writes both in one txn that compares both mod revisions: a failed compare means another
/// transfer came between, so nothing was written (fail). A read is one range over the accounts: a
/// snapshot at one revision. In half-transfers mode, a share (faultProbability) of the transfers writes
/// only the debit.
/// </summary>
internal sealed class EtcdBanks(
    IReadOnlyList<(string Host, int Port)> nodes,
    string prefix,
    BankSettings settings,
    TimeSpan opTimeout,
    TimeSpan connectTimeout,
    double faultProbability,
    int seed
) : EtcdFactory(nodes, opTimeout, connectTimeout, faultProbability, seed)
{
    readonly string accounts = $"{prefix}/bank/";
    readonly BankSettings settings = settings;

    /// <summary>Opens every account with the initial balance in one txn, unless account 0 exists (an earlier try that
    /// did apply).</summary>
    public override async Task PrepareAsync(CancellationToken ct)
    {
        var open = new TxnRequest();
        open.Compare.Add(
            new Compare
            {
                Key = KeyOf(0),
                Target = Compare.Types.CompareTarget.Create,
                Result = Compare.Types.CompareResult.Equal,
                CreateRevision = 0,
            }
        );
        for (var i = 0; i < settings.Accounts; i++)
            open.Success.Add(
                new RequestOp
                {
                    RequestPut = new PutRequest { Key = KeyOf(i), Value = Encode(settings.InitialBalance) },
                }
            );
        var giveUp = DateTime.UtcNow + 5 * OpTimeout;
        for (var attempt = 0; ; attempt++)
        {
            using var channel = new EtcdChannel(
                Nodes[attempt % Nodes.Count].Host,
                Nodes[attempt % Nodes.Count].Port,
                ConnectTimeout
            );
            try
            {
                await channel.Client.TransactionAsync(
                    open,
                    deadline: DateTime.UtcNow + OpTimeout,
                    cancellationToken: ct
                );
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < giveUp && !ct.IsCancellationRequested)
            {
                await Task.Delay(200, ct); // a retry after an unknown outcome finds account 0 and writes nothing
            }
            catch (RpcException e)
            {
                throw new EnvironmentException($"etcd: could not open the bank's accounts: {EtcdOutcomes.Describe(e)}");
            }
        }
    }

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(Nodes[node], this, dice);

    ByteString KeyOf(long account) =>
        ByteString.CopyFromUtf8(accounts + account.ToString(CultureInfo.InvariantCulture));

    sealed class Client((string Host, int Port) node, EtcdBanks bank, ClientFaults.Dice dice)
        : EtcdWorkerClient(node, bank.OpTimeout, bank.ConnectTimeout)
    {
        protected override Task<Completion> PerformAsync(Invocation op, DateTime deadline, CancellationToken ct) =>
            op.F switch
            {
                BankWorkload.Read => ReadAsync(deadline, ct),
                BankWorkload.Transfer => TransferAsync(op.Value, deadline, ct),
                _ => Task.FromResult(Completion.Fail($"unknown f {op.F}")),
            };

        async Task<Completion> ReadAsync(DateTime deadline, CancellationToken ct)
        {
            try
            {
                var read = await Etcd.GetAsync(RangeOver(bank.accounts), deadline: deadline, cancellationToken: ct);
                var balances = new Dictionary<object, object?>();
                foreach (var kv in read.Kvs)
                    balances[AccountOf(kv)] = Decode(kv.Value);
                return Completion.Ok(balances);
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForRead(e);
            }
        }

        async Task<Completion> TransferAsync(object? value, DateTime deadline, CancellationToken ct)
        {
            var (from, to, amount) = BankWorkload.ParseTransfer(value);
            RangeResponse read;
            try
            {
                read = await Etcd.GetAsync(RangeOver(bank.accounts), deadline: deadline, cancellationToken: ct);
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForRead(e);
            } // nothing written yet
            var source = read.Kvs.FirstOrDefault(kv => AccountOf(kv) == from);
            var target = read.Kvs.FirstOrDefault(kv => AccountOf(kv) == to);
            if (source is null || target is null)
                return Completion.Fail($"account {(source is null ? from : to)} does not exist");
            var (debited, credited) = (Decode(source.Value) - amount, Decode(target.Value) + amount);
            if (debited < 0 && !bank.settings.AllowNegative)
                return Completion.Fail("insufficient funds");

            var txn = new TxnRequest();
            foreach (var kv in new[] { source, target })
                txn.Compare.Add(
                    new Compare
                    {
                        Key = kv.Key,
                        Target = Compare.Types.CompareTarget.Mod,
                        Result = Compare.Types.CompareResult.Equal,
                        ModRevision = kv.ModRevision,
                    }
                );
            txn.Success.Add(
                new RequestOp
                {
                    RequestPut = new PutRequest { Key = source.Key, Value = Encode(debited) },
                }
            );
            if (!dice.Misbehaves()) // half-transfers: the credit is never written
                txn.Success.Add(
                    new RequestOp
                    {
                        RequestPut = new PutRequest { Key = target.Key, Value = Encode(credited) },
                    }
                );
            try
            {
                var done = await Etcd.TransactionAsync(txn, deadline: deadline, cancellationToken: ct);
                return done.Succeeded
                    ? Completion.Ok(value)
                    : Completion.Fail("compare failed: another transfer changed an account since the read");
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForMutation(e);
            }
        }

        long AccountOf(Mvccpb.KeyValue kv) =>
            long.Parse(kv.Key.ToStringUtf8()[bank.accounts.Length..], CultureInfo.InvariantCulture);
    }

    static ByteString Encode(long balance) => ByteString.CopyFromUtf8(balance.ToString(CultureInfo.InvariantCulture));

    static long Decode(ByteString balance) => long.Parse(balance.ToStringUtf8(), CultureInfo.InvariantCulture);
}
