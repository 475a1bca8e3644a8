using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Checker.Databases.Etcd;

/// <summary>
/// A grow-only set in etcd: one key per element, prefix/set/ELEMENT (empty value). An add is one put;
/// a read is one linearizable range over the prefix, keys only: the whole set at one revision.
/// In lose-adds mode, a share (faultProbability) of the adds answers ok without writing anything.
/// </summary>
internal sealed class EtcdSets(
    IReadOnlyList<(string Host, int Port)> nodes,
    string prefix,
    TimeSpan opTimeout,
    TimeSpan connectTimeout,
    double faultProbability,
    int seed
) : EtcdFactory(nodes, opTimeout, connectTimeout, faultProbability, seed)
{
    readonly string elements = $"{prefix}/set/";

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(Nodes[node], this, dice);

    sealed class Client((string Host, int Port) node, EtcdSets set, ClientFaults.Dice dice)
        : EtcdWorkerClient(node, set.OpTimeout, set.ConnectTimeout)
    {
        protected override async Task<Completion> PerformAsync(Invocation op, DateTime deadline, CancellationToken ct)
        {
            try
            {
                switch (op.F)
                {
                    case SetWorkload.Add:
                        if (dice.Misbehaves())
                            return Completion.Ok(op.Value); // lose-adds: nothing written
                        await Etcd.PutAsync(
                            new PutRequest { Key = ByteString.CopyFromUtf8(set.elements + Format((long)op.Value!)) },
                            deadline: deadline,
                            cancellationToken: ct
                        );
                        return Completion.Ok(op.Value);
                    case SetWorkload.Read:
                        var range = RangeOver(set.elements);
                        range.KeysOnly = true;
                        var read = await Etcd.GetAsync(range, deadline: deadline, cancellationToken: ct);
                        return Completion.Ok(
                            read.Kvs.Select(kv => (object?)Parse(kv.Key.ToStringUtf8()[set.elements.Length..])).ToList()
                        );
                    default:
                        return Completion.Fail($"unknown f {op.F}");
                }
            }
            // A read changes nothing: any error is a fail. An add's error says fail or info by the outcome table.
            catch (RpcException e)
            {
                return op.F == SetWorkload.Read ? EtcdOutcomes.ForRead(e) : EtcdOutcomes.ForMutation(e);
            }
        }
    }

    static string Format(long element) => element.ToString(CultureInfo.InvariantCulture);

    static long Parse(string element) => long.Parse(element, CultureInfo.InvariantCulture);
}
