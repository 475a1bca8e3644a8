using Checker.Runner.Databases;
using Checker.Runner.Workloads;

namespace Checker.Databases.ZooKeeper;

/// <summary>The ZooKeeper suite's fields of the spec's db section.</summary>
public sealed class ZooKeeperSettings : ISpecSettings
{
    public int TickTimeMs { get; set; } = 500;
    public int InitLimit { get; set; } = 10;
    public int SyncLimit { get; set; } = 5;

    /// <summary>JVM options for every server.</summary>
    public List<string> JvmOpts { get; set; } = [.. ZooKeeperInstall.DefaultJvmOptions];

    /// <summary>Seconds a client session lives without a heartbeat (negotiated within 2..20 ticks).</summary>
    public double SessionTimeout { get; set; } = 6;

    public string? Problem() =>
        TickTimeMs is < 10 or > 60_000 ? "field 'db.tickTimeMs' must be 10..60000"
        : InitLimit < 1 ? "field 'db.initLimit' must be at least 1"
        : SyncLimit < 1 ? "field 'db.syncLimit' must be at least 1"
        : SessionTimeout <= 0 || SessionTimeout > 3600 ? "field 'db.sessionTimeout' must be positive (at most 3600)"
        : null;
}

/// <summary>The register workload as ZooKeeper runs it: reads may sync first.</summary>
internal sealed class ZooKeeperRegisterSettings : RegisterSettings
{
    /// <summary>Issue sync before each read; plain reads may be stale, as ZooKeeper documents.</summary>
    public bool SyncReads { get; set; } = true;

    /// <summary>
    /// Pads each written value to this many bytes (0: the value's digits alone). Big znodes make a snapshot
    /// that takes long to send, so a follower's sync is still under way when a fault strikes it.
    /// </summary>
    public int ValueBytes { get; set; }

    public override string? Problem() =>
        ValueBytes is < 0 or > 1_000_000
            ? "field 'workload.valueBytes' must be from 0 to 1000000 (ZooKeeper's default jute.maxbuffer is 1 MiB)"
            : base.Problem();
}
