using Checker.Databases.ZooKeeper;
using Checker.Runner.Nodes;

using Checker.Nodes;

namespace Checker.Databases.ZooKeeper.Tests;

public class ZooKeeperInstallTests
{
    [Fact]
    public void Finds_the_debian_jars_and_builds_the_server_command()
    {
        var zk = ZooKeeperInstall.FindHere();
        Assert.All(zk.ClassPath, jar => Assert.True(File.Exists(jar), jar));
        Assert.Equal("/usr/share/java/zookeeper.jar", zk.ClassPath[0]);
        var args = zk.ServerArguments("/tmp/zk data/zoo.cfg", ["-Xmx64m", ZooKeeperInstall.ReadOnlyModeOption]);
        Assert.Equal(["-Xmx64m", "-Dreadonlymode.enabled=true"], args.Take(2));
        Assert.Contains("-Dorg.slf4j.simpleLogger.showDateTime=true", args); // node logs carry wall-clock time
        Assert.Equal([ZooKeeperInstall.MainClass, "/tmp/zk data/zoo.cfg"], args.TakeLast(2));
        Assert.Equal(string.Join(':', zk.ClassPath), args[^3]);
    }

    [Fact]
    public async Task A_candidate_in_release_layout_is_uploaded_to_the_node_and_used_from_there()
    {
        var root = Directory.CreateTempSubdirectory("checker-candidate-").FullName;
        try
        {
            // A release layout (lib/*.jar, conf/) made from Debian's jars.
            var release = Directory.CreateDirectory(Path.Combine(root, "apache-zookeeper-9.9.9-bin")).FullName;
            Directory.CreateDirectory(Path.Combine(release, "conf"));
            var lib = Directory.CreateDirectory(Path.Combine(release, "lib")).FullName;
            foreach (var jar in ZooKeeperInstall.RequiredJars)
                File.Copy(Path.Combine(ZooKeeperInstall.DebianJars, jar), Path.Combine(lib, jar.Replace("zookeeper.jar", "zookeeper-9.9.9.jar")));
            await using var nodes = LocalNodeProvider.Create(1, Path.Combine(root, "nodes"));
            var node = nodes.Nodes[0];
            var install = await ZooKeeperInstall.OnNodeAsync((c, a, ct) => nodes.RunAsync(node, c, a, ct), (l, r, ct) => nodes.UploadAsync(node, l, r, ct),
                release, $"{node.Directory}/install", node.Name, _ => { }, CancellationToken.None);
            Assert.Contains(install.ClassPath, p => p.EndsWith("/lib/zookeeper-9.9.9.jar", StringComparison.Ordinal));
            Assert.All(install.ClassPath, p => Assert.StartsWith(node.Directory, p)); // the node's copy, not the runner's
            Assert.Contains(install.ClassPath, File.Exists);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public async Task A_candidate_without_zookeeper_jars_is_refused_naming_it()
    {
        var root = Directory.CreateTempSubdirectory("checker-candidate-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "README"), "not a release");
            await using var nodes = LocalNodeProvider.Create(1, Path.Combine(root, "nodes"));
            var node = nodes.Nodes[0];
            var e = await Assert.ThrowsAsync<Checker.Runner.Databases.EnvironmentException>(() => ZooKeeperInstall.OnNodeAsync(
                (c, a, ct) => nodes.RunAsync(node, c, a, ct), (l, r, ct) => nodes.UploadAsync(node, l, r, ct),
                root, $"{node.Directory}/install", node.Name, _ => { }, CancellationToken.None));
            Assert.Contains(root, e.Message);
        }
        finally { Directory.Delete(root, recursive: true); }
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
