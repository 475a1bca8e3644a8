using System.Globalization;
using System.Text;
using Checker.Runner.Databases;

namespace Checker.Databases.ZooKeeper;

/// <summary>One ensemble member as listed in every member's zoo.cfg (server.N=host:peerPort:electionPort).</summary>
public sealed record ZooKeeperPeer(int Id, string Host, int PeerPort, int ElectionPort);

/// <summary>
/// Settings of one server, rendered to zoo.cfg. Standalone when <see cref="Ensemble"/> is empty.
/// Four-letter words are all enabled (health checks use `srvr`) and the admin HTTP server is off
/// (it would need a port of its own).
/// </summary>
public sealed record ZooKeeperServerConfig(string DataDir, string ClientAddress, int ClientPort)
{
    /// <summary>This server's id in the ensemble (written to dataDir/myid); ignored when standalone.</summary>
    public int Id { get; init; } = 1;

    /// <summary>All members, this one included; empty for a standalone server.</summary>
    public IReadOnlyList<ZooKeeperPeer> Ensemble { get; init; } = [];

    /// <summary>
    /// Tick in ms. Session timeouts are clamped to [2, 20] ticks, so 500 ms allows 1..10 s sessions,
    /// which lets tests expire and detect failures quickly.
    /// </summary>
    public int TickTimeMs { get; init; } = 500;

    /// <summary>Ticks a follower may take to connect and sync to the leader.</summary>
    public int InitLimit { get; init; } = 20;

    /// <summary>Ticks a follower may lag behind the leader before it is dropped.</summary>
    public int SyncLimit { get; init; } = 10;

    /// <summary>
    /// Enables local sessions (and their upgrade to global ones). A read-only server in 3.8 can only
    /// create local sessions, so read-only mode needs this; sessions that stay local cannot be
    /// resumed on another member.
    /// </summary>
    public bool LocalSessions { get; init; }

    /// <summary>zoo.cfg text.</summary>
    public string Render()
    {
        var s = new StringBuilder();
        void Line(string key, object value) =>
            s.Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
        Line("tickTime", TickTimeMs);
        Line("initLimit", InitLimit);
        Line("syncLimit", SyncLimit);
        Line("dataDir", DataDir);
        Line("clientPort", ClientPort);
        Line("clientPortAddress", ClientAddress);
        Line("maxClientCnxns", 0);
        Line("4lw.commands.whitelist", "*");
        Line("admin.enableServer", "false");
        Line("autopurge.purgeInterval", 0);
        if (LocalSessions)
        {
            Line("localSessionsEnabled", "true");
            Line("localSessionsUpgradingEnabled", "true");
        }
        if (Ensemble.Count > 1)
        {
            // A fixed membership: no dynamic reconfiguration, and never fall back to standalone.
            Line("reconfigEnabled", "false");
            Line("standaloneEnabled", "false");
        }
        foreach (var p in Ensemble)
            Line($"server.{p.Id}", $"{p.Host}:{p.PeerPort}:{p.ElectionPort}");
        return s.ToString();
    }

    /// <summary>Creates dataDir, writes myid (ensembles only) and zoo.cfg inside it; returns the config path.</summary>
    public string WriteFiles()
    {
        Directory.CreateDirectory(DataDir);
        if (Ensemble.Count > 0)
            File.WriteAllText(Path.Combine(DataDir, "myid"), Id.ToString(CultureInfo.InvariantCulture) + "\n");
        var path = Path.Combine(DataDir, "zoo.cfg");
        File.WriteAllText(path, Render());
        return path;
    }
}
