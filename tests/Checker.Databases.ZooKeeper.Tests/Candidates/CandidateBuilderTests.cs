using Checker.Databases.ZooKeeper;
using Checker.Databases.ZooKeeper.Candidates;
using Checker.Nodes.Hosts;

using Checker.Runner.Nodes;

namespace Checker.Databases.ZooKeeper.Tests.Candidates;

/// <summary>
/// The ZOOKEEPER-2201 candidate, built for real from Debian's source (needs the network to Debian's mirror,
/// a JDK and dpkg-dev; as root the build installs the last two).
/// </summary>
[Trait("Tier", "Slow")]
public sealed class CandidateBuilderTests
{
    [Fact]
    public async Task The_2201_candidate_writes_each_znode_under_its_lock_where_debian_writes_it_after()
    {
        var folder = await CandidateBuilder.EnsureAsync(BugCandidate.Zookeeper2201, CandidateBuilder.CacheDirectory, _ => { }, CancellationToken.None);
        var jar = Path.Combine(folder, "lib", "zookeeper-candidate.jar");
        Assert.True(File.Exists(jar), jar);
        foreach (var other in ZooKeeperInstall.RequiredJars.Where(j => j != "zookeeper.jar"))
            Assert.True(File.Exists(Path.Combine(folder, "lib", other)), other);

        Assert.True(await WritesUnderTheLockAsync(jar));
        Assert.False(await WritesUnderTheLockAsync(Path.Combine(ZooKeeperInstall.DebianJars, "zookeeper.jar")));

        // Cached: the second call finds the same folder without building.
        var lines = new List<string>();
        Assert.Equal(folder, await CandidateBuilder.EnsureAsync(BugCandidate.Zookeeper2201, CandidateBuilder.CacheDirectory, lines.Add, CancellationToken.None));
        Assert.Empty(lines);
    }

    [Fact]
    public void Source_stanzas_turn_this_machines_debian_sources_into_deb_src_and_keep_their_keys()
    {
        var apt = Directory.CreateTempSubdirectory("checker-apt-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(apt, "sources.list.d"));
            File.WriteAllText(Path.Combine(apt, "sources.list"),
                "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\ndeb http://other.example/ubuntu jammy main\n");
            File.WriteAllText(Path.Combine(apt, "sources.list.d", "debian.sources"),
                "Types: deb\nURIs: http://deb.example/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /s.gpg\n\n" +
                "Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n");
            var stanzas = CandidateBuilder.SourceStanzas(apt);
            Assert.Contains("Types: deb-src\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main contrib\nSigned-By: /k.gpg\n", stanzas);
            Assert.Contains("Types: deb-src\nURIs: http://deb.example/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /s.gpg", stanzas);
            Assert.DoesNotContain("ubuntu", stanzas);
            Assert.DoesNotContain("off.example", stanzas);
            Assert.DoesNotContain("Types: deb\n", stanzas);
        }
        finally { Directory.Delete(apt, recursive: true); }
    }

    /// <summary>
    /// True when DataTree.serializeNode calls serializeNodeData between taking the node's monitor and its
    /// first release, as javap shows the bytecode.
    /// </summary>
    static async Task<bool> WritesUnderTheLockAsync(string jar)
    {
        var code = await HostCommands.MustAsync(["javap", "-c", "-p", "-classpath", jar, "org.apache.zookeeper.server.DataTree"]);
        var method = code[code.IndexOf("void serializeNode(", StringComparison.Ordinal)..];
        method = method[..method.IndexOf("\n\n", StringComparison.Ordinal)];
        var enter = method.IndexOf("monitorenter", StringComparison.Ordinal);
        var exit = method.IndexOf("monitorexit", StringComparison.Ordinal);
        var write = method.IndexOf("Method serializeNodeData", StringComparison.Ordinal);
        Assert.True(enter >= 0 && exit > enter && write >= 0, method);
        return write > enter && write < exit;
    }
}
