using Checker.Databases.ZooKeeper;

namespace Checker.Databases.ZooKeeper.Tests;

public class ZooKeeperVersionTests
{
    [Fact]
    public void The_version_is_read_from_the_srvr_reply()
    {
        const string reply = "Zookeeper version: 3.8.0-candidate16-0000000, built on 2026-11-26 00:00 UTC\nLatency min/avg/max: 0/0.0/0\nMode: follower\n";
        Assert.Equal("3.8.0-candidate16-0000000, built on 2026-11-26 00:00 UTC", ZooKeeperDb.VersionOf(reply));
        Assert.Null(ZooKeeperDb.VersionOf("")); // a node that did not answer
        Assert.Null(ZooKeeperDb.VersionOf("This ZooKeeper instance is not currently serving requests\n"));
    }
}
