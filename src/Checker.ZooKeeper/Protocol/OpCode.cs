namespace Checker.ZooKeeper.Protocol;

/// <summary>Request type codes (org.apache.zookeeper.ZooDefs.OpCode); only the ones this client sends or
/// parses.</summary>
internal enum OpCode
{
    Notification = 0,
    Create = 1,
    Delete = 2,
    Exists = 3,
    GetData = 4,
    SetData = 5,
    GetChildren = 8,
    Sync = 9,
    Ping = 11,
    GetChildren2 = 12,
    Check = 13,
    Multi = 14,
    Create2 = 15,
    CreateSession = -10,
    CloseSession = -11,
    Error = -1,
}

/// <summary>Reserved xids the server uses for frames that answer no numbered request.</summary>
internal static class Xids
{
    /// <summary>Watch notification pushed by the server.</summary>
    public const int Notification = -1;

    /// <summary>Ping request and its reply.</summary>
    public const int Ping = -2;

    /// <summary>Auth packet reply.</summary>
    public const int Auth = -4;

    /// <summary>SetWatches reply after a reconnect.</summary>
    public const int SetWatches = -8;
}
