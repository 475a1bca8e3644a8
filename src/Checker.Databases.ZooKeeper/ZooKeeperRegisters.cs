using System.Globalization;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;
using static Checker.Databases.ZooKeeper.ZooKeeperOutcomes;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// Registers in ZooKeeper: one znode per key under a test root, holding the value as decimal text
/// (empty: the initial null). Compare-and-set reads value and version, then sets with that version.
/// The register's faulty mode (stale reads) wraps these clients like any database's (StaleReadsFactory),
/// so they never misbehave themselves.
/// </summary>
internal sealed class ZooKeeperRegisters(
    IReadOnlyList<(string Host, int Port)> nodes,
    string root,
    int keys,
    bool syncReads,
    ZooKeeperClientOptions options,
    int valueBytes = 0
) : ZooKeeperFactory(nodes, root, options, faultProbability: 0, seed: 0)
{
    readonly bool syncReads = syncReads;
    readonly int valueBytes = valueBytes;

    /// <summary>Creates the root and one empty znode per key, through the first node.</summary>
    public override Task PrepareAsync(CancellationToken ct) =>
        ZooKeeperZnodes.PrepareAsync(
            Nodes,
            Options,
            [Dir, .. Enumerable.Range(0, keys).Select(k => KeyPath((long)k))],
            ct
        );

    string KeyPath(object key) => $"{Dir}/r{Convert.ToString(key, CultureInfo.InvariantCulture)}";

    protected override IClient CreateClient(int node, ClientFaults.Dice dice) => new Client(Nodes[node], this);

    sealed class Client((string Host, int Port) node, ZooKeeperRegisters db) : ZooKeeperWorkerClient(node, db.Options)
    {
        protected override async Task<Completion> PerformAsync(Invocation op, ZooKeeperClient zk, CancellationToken ct)
        {
            var path = db.KeyPath(op.Key!);
            return op.F switch
            {
                RegisterWorkload.Read => await ReadAsync(zk, path),
                RegisterWorkload.Write => await WriteAsync(zk, path, (long)op.Value!, db.valueBytes),
                RegisterWorkload.Cas => await CasAsync(zk, path, (IList<object?>)op.Value!, db.valueBytes),
                _ => Completion.Fail($"unknown f {op.F}"),
            };
        }

        async Task<Completion> ReadAsync(ZooKeeperClient zk, string path)
        {
            try
            {
                if (db.syncReads)
                    await zk.SyncAsync(path);
                var data = await zk.GetDataAsync(path);
                return Completion.Ok(Decode(data.Data));
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForRead(e);
            }
        }

        static async Task<Completion> WriteAsync(ZooKeeperClient zk, string path, long value, int size)
        {
            try
            {
                await zk.SetDataAsync(path, Encode(value, size));
                return Completion.Ok(value);
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForChange(e);
            }
        }

        static async Task<Completion> CasAsync(ZooKeeperClient zk, string path, IList<object?> fromTo, int size)
        {
            DataResult current;
            try
            {
                current = await zk.GetDataAsync(path);
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForRead(e, "read before cas");
            } // nothing written yet
            if (!Core.History.Values.Same(Decode(current.Data), fromTo[0]))
                return Completion.Fail($"value is {Core.History.Values.Format(Decode(current.Data))}");
            try
            {
                await zk.SetDataAsync(path, Encode((long)fromTo[1]!, size), current.Stat.Version);
                return Completion.Ok(fromTo);
            }
            catch (BadVersionException)
            {
                return Completion.Fail("bad-version");
            }
            catch (Exception e) when (IsRequestError(e))
            {
                return ForChange(e);
            }
        }
    }
}
