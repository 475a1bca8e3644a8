namespace Checker.ZooKeeper.Tests;

public class InstallationTests
{
    [Fact]
    public void Finds_the_debian_jars_and_builds_a_quoted_command_line()
    {
        var zk = ZooKeeperInstallation.Find();
        Assert.All(zk.ClassPath, jar => Assert.True(File.Exists(jar), jar));
        Assert.StartsWith("/usr/share/java/zookeeper.jar:", zk.ClassPathArgument);
        var line = zk.ServerCommandLine("/tmp/zk data/zoo.cfg", jvmOptions: [ZooKeeperInstallation.ReadOnlyModeOption]);
        Assert.StartsWith(zk.JavaPath + " -Xmx256m ", line);
        Assert.Contains(" -Dreadonlymode.enabled=true -cp /usr/share/java/zookeeper.jar:", line);
        Assert.EndsWith(" org.apache.zookeeper.server.quorum.QuorumPeerMain '/tmp/zk data/zoo.cfg'", line);
    }

    [Fact]
    public void Missing_jars_are_reported_not_thrown_by_TryFind()
    {
        Assert.Null(ZooKeeperInstallation.TryFind(out var missing, "/nonexistent"));
        Assert.Contains("/nonexistent/zookeeper.jar", missing);
    }

    [Fact]
    public void Ensemble_config_lists_every_member_and_writes_myid()
    {
        var dir = Directory.CreateTempSubdirectory("checker-zkcfg-").FullName;
        try
        {
            var config = new ZooKeeperServerConfig(Path.Combine(dir, "zk2"), "127.0.0.2", 2181)
            {
                Id = 2,
                Ensemble = [new(1, "127.0.0.1", 2888, 3888), new(2, "127.0.0.2", 2888, 3888)],
            };
            var text = File.ReadAllText(config.WriteFiles());
            Assert.Contains("clientPortAddress=127.0.0.2\n", text);
            Assert.Contains("4lw.commands.whitelist=*\n", text);
            Assert.Contains("admin.enableServer=false\n", text);
            Assert.Contains("server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\n", text);
            Assert.Equal("2\n", File.ReadAllText(Path.Combine(dir, "zk2", "myid")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
