using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// Registers in etcd: one key per register under a run prefix, holding the value as decimal text;
/// a missing key is the initial null. Compare-and-set is one txn: if the key's value equals `from`,
/// put `to`. Reads are linearizable (etcd's default: the member confirms its leader's commit index
/// first) unless `serializable`, when any member answers from its own, possibly stale, state.
/// The register's faulty mode (stale reads) wraps these clients like any database's (StaleReadsFactory),
/// so they never misbehave themselves.
/// </summary>
internal sealed class EtcdRegisters(
    IReadOnlyList<(string Host, int Port)> nodes,
    string prefix,
    bool serializable,
    TimeSpan opTimeout,
    TimeSpan connectTimeout
) : EtcdFactory(nodes, opTimeout, connectTimeout, faultProbability: 0, seed: 0)
{
    readonly string prefix = prefix;
    readonly bool serializable = serializable;

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(Nodes[node], this);

    public static string KeyOf(string prefix, object key) =>
        $"{prefix}/r{Convert.ToString(key, CultureInfo.InvariantCulture)}";

    sealed class Client((string Host, int Port) node, EtcdRegisters registers)
        : EtcdWorkerClient(node, registers.OpTimeout, registers.ConnectTimeout)
    {
        protected override async Task<Completion> PerformAsync(Invocation op, DateTime deadline, CancellationToken ct)
        {
            var key = ByteString.CopyFromUtf8(KeyOf(registers.prefix, op.Key!));
            return op.F switch
            {
                RegisterWorkload.Read => await ReadAsync(key, deadline, ct),
                RegisterWorkload.Write => await WriteAsync(key, (long)op.Value!, deadline, ct),
                RegisterWorkload.Cas => await CasAsync(key, (IList<object?>)op.Value!, deadline, ct),
                _ => Completion.Fail($"unknown f {op.F}"),
            };
        }

        /// <summary>A read changes nothing, so any error makes it a plain fail.</summary>
        async Task<Completion> ReadAsync(ByteString key, DateTime deadline, CancellationToken ct)
        {
            try
            {
                var range = await Etcd.GetAsync(
                    new RangeRequest { Key = key, Serializable = registers.serializable },
                    deadline: deadline,
                    cancellationToken: ct
                );
                return Completion.Ok(range.Kvs.Count == 0 ? null : Decode(range.Kvs[0].Value));
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForRead(e);
            }
        }

        async Task<Completion> WriteAsync(ByteString key, long value, DateTime deadline, CancellationToken ct)
        {
            try
            {
                await Etcd.PutAsync(
                    new PutRequest { Key = key, Value = Encode(value) },
                    deadline: deadline,
                    cancellationToken: ct
                );
                return Completion.Ok(value);
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForMutation(e);
            }
        }

        /// <summary>One txn, so nothing can come between the compare and the put.</summary>
        async Task<Completion> CasAsync(ByteString key, IList<object?> fromTo, DateTime deadline, CancellationToken ct)
        {
            var txn = new TxnRequest();
            txn.Compare.Add(
                fromTo[0] is null
                    // A value compare on a missing key is always false in etcd; "never created" is how null is matched.
                    ? new Compare
                    {
                        Key = key,
                        Target = Compare.Types.CompareTarget.Create,
                        Result = Compare.Types.CompareResult.Equal,
                        CreateRevision = 0,
                    }
                    : new Compare
                    {
                        Key = key,
                        Target = Compare.Types.CompareTarget.Value,
                        Result = Compare.Types.CompareResult.Equal,
                        Value = Encode((long)fromTo[0]!),
                    }
            );
            txn.Success.Add(
                new RequestOp
                {
                    RequestPut = new PutRequest { Key = key, Value = Encode((long)fromTo[1]!) },
                }
            );
            try
            {
                var result = await Etcd.TransactionAsync(txn, deadline: deadline, cancellationToken: ct);
                return result.Succeeded ? Completion.Ok(fromTo) : Completion.Fail("compare failed");
            }
            catch (RpcException e)
            {
                return EtcdOutcomes.ForMutation(e);
            }
        }
    }

    public static ByteString Encode(long v) => ByteString.CopyFromUtf8(v.ToString(CultureInfo.InvariantCulture));

    public static long? Decode(ByteString data) =>
        data.IsEmpty ? null : long.Parse(data.ToStringUtf8(), CultureInfo.InvariantCulture);
}
