using System.Globalization;
using System.Text;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Runner.Databases.ZooKeeper;

/// <summary>
/// Registers in ZooKeeper: one znode per key under a test root, holding the value as decimal text
/// (empty: the initial null). Compare-and-set reads value and version, then sets with that version.
/// </summary>
public sealed class ZooKeeperRegisters(IReadOnlyList<(string Host, int Port)> nodes, string root, int keys, bool syncReads, ZooKeeperClientOptions options)
    : IClientFactory
{
    readonly string root = root;
    readonly bool syncReads = syncReads;
    readonly ZooKeeperClientOptions options = options;

    /// <summary>Creates the root and one empty znode per key, through the first node.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        var (host, port) = nodes[0];
        await using var zk = await ZooKeeperClient.ConnectAsync(host, port, options, ct);
        var path = "";
        foreach (var part in root.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            await CreateIfAbsentAsync(zk, path);
        }
        for (var k = 0; k < keys; k++) await CreateIfAbsentAsync(zk, KeyPath(root, k));
        await zk.CloseAsync();
    }

    static async Task CreateIfAbsentAsync(ZooKeeperClient zk, string path)
    {
        try { await zk.CreateAsync(path, [], CreateMode.Persistent); }
        catch (NodeExistsException) { }
    }

    static string KeyPath(string root, object key) => $"{root}/r{Convert.ToString(key, CultureInfo.InvariantCulture)}";

    public IClient Create(int node) => new Client(nodes[node], this);

    sealed class Client((string Host, int Port) node, ZooKeeperRegisters db) : IClient
    {
        ZooKeeperClient? zk;
        long lastZxid;

        public async Task OpenAsync(CancellationToken ct)
        {
            if (zk is { IsConnected: true }) return;
            if (zk is not null)
            {
                lastZxid = Math.Max(lastZxid, zk.LastZxid);
                await zk.DisposeAsync();
                zk = null;
            }
            // LastZxidSeen: a reconnect must not land on a server that has seen less than we have.
            var options = new ZooKeeperClientOptions
            {
                SessionTimeout = db.options.SessionTimeout,
                RequestTimeout = db.options.RequestTimeout,
                ConnectTimeout = db.options.ConnectTimeout,
                LastZxidSeen = lastZxid,
            };
            zk = await ZooKeeperClient.ConnectAsync(node.Host, node.Port, options, ct);
        }

        public async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct)
        {
            try { await OpenAsync(ct); }
            catch (Exception e) when (e is ZooKeeperConnectException or ZooKeeperException or ZooKeeperIndeterminateException or IOException)
            {
                await Task.Delay(Random.Shared.Next(100, 300), CancellationToken.None); // a down node: do not spin on refusals
                return Completion.Fail($"connect: {e.Message}"); // nothing was sent
            }
            var path = KeyPath(db.root, op.Key!);
            return op.F switch
            {
                RegisterWorkload.Read => await ReadAsync(path),
                RegisterWorkload.Write => await WriteAsync(path, (long)op.Value!),
                RegisterWorkload.Cas => await CasAsync(path, (IList<object?>)op.Value!),
                _ => Completion.Fail($"unknown f {op.F}"),
            };
        }

        /// <summary>A read changes nothing, so any error makes it a plain fail.</summary>
        async Task<Completion> ReadAsync(string path)
        {
            try
            {
                if (db.syncReads) await zk!.SyncAsync(path);
                var data = await zk!.GetDataAsync(path);
                return Completion.Ok(Decode(data.Data));
            }
            catch (Exception e) when (e is ZooKeeperException or ZooKeeperIndeterminateException)
            {
                return Completion.Fail(Describe(e));
            }
        }

        async Task<Completion> WriteAsync(string path, long value)
        {
            try
            {
                await zk!.SetDataAsync(path, Encode(value));
                return Completion.Ok(value);
            }
            catch (ZooKeeperException e) { return Completion.Fail(Describe(e)); }
            catch (ZooKeeperIndeterminateException e) { return Completion.Info(Describe(e)); }
        }

        async Task<Completion> CasAsync(string path, IList<object?> fromTo)
        {
            DataResult current;
            try { current = await zk!.GetDataAsync(path); }
            catch (Exception e) when (e is ZooKeeperException or ZooKeeperIndeterminateException)
            {
                return Completion.Fail($"read before cas: {Describe(e)}"); // nothing written yet
            }
            if (!Core.History.Values.Same(Decode(current.Data), fromTo[0]))
                return Completion.Fail($"value is {Core.History.Values.Format(Decode(current.Data))}");
            try
            {
                await zk!.SetDataAsync(path, Encode((long)fromTo[1]!), current.Stat.Version);
                return Completion.Ok(fromTo);
            }
            catch (BadVersionException) { return Completion.Fail("bad-version"); }
            catch (ZooKeeperException e) { return Completion.Fail(Describe(e)); }
            catch (ZooKeeperIndeterminateException e) { return Completion.Info(Describe(e)); }
        }

        static string Describe(Exception e) => e switch
        {
            ZooKeeperIndeterminateException i => $"{i.Reason}: {e.Message}",
            ZooKeeperException z => $"{z.Code}",
            _ => e.Message,
        };

        public async ValueTask DisposeAsync()
        {
            if (zk is not null) await zk.DisposeAsync();
            zk = null;
        }
    }

    static byte[] Encode(long v) => Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture));

    static long? Decode(byte[] data) =>
        data.Length == 0 ? null : long.Parse(Encoding.ASCII.GetString(data), CultureInfo.InvariantCulture);
}
