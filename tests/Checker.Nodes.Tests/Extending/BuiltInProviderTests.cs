using Checker.Databases.ZooKeeper;
using Checker.Runner.Faults;
using Checker.Runner.Net;
using Checker.Runner.Nodes;
using Checker.Nodes.Ssh;
using Checker.Runner.Spec;

namespace Checker.Nodes.Tests.Extending;

/// <summary>
/// The built-in providers own their fields of the nodes section, and the spec's field names and flags stay as the
/// README documents them; what the database and the nodes can do follows from the interfaces their types implement.
/// </summary>
public sealed class BuiltInProviderTests
{
    static TestSpec Load(params (string, string)[] flags) =>
        SpecLoader.Parse("{}", "t.json", flags.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));

    [Fact]
    public void Ssh_fields_set_by_flags_in_any_order_make_one_node_per_host_and_reach_the_ssh_options()
    {
        // As `checker run --nodes h1,h2,h3 --ssh-private-key /k ...` sets them: the hosts may come before the provider.
        var spec = Load(("nodes.hosts", "h1,h2,h3"), ("nodes.provider", "ssh"), ("nodes.private-key", "/k"),
            ("nodes.known-hosts", "/kh"), ("nodes.accept-new", "true"), ("nodes.port", "2222"), ("nodes.user", "u"));

        Assert.Equal(3, spec.Nodes.Count);
        var options = SshNodeKind.OptionsOf(spec.Nodes, "/tmp/checker-r");
        Assert.Equal(["h1", "h2", "h3"], options.Hosts);
        Assert.Equal(("u", 2222, "/k", "/kh", true, "/tmp/checker-r"),
            (options.User, options.Port, options.PrivateKey, options.KnownHosts, options.AcceptNew, options.NodesRoot));
        Assert.Equal("iptables", Networks.KindFor(spec.Nodes));
        Assert.Contains("\"hosts\": [", SpecLoader.ToJson(spec)); // the resolved spec keeps the provider's fields
    }

    [Theory]
    [InlineData("", "field 'nodes.hosts' must name 1..9 hosts for the ssh provider")]
    [InlineData("h1,h1", "field 'nodes.hosts' must not name a host twice")]
    public void Ssh_hosts_are_checked_by_the_ssh_provider(string hosts, string problem)
    {
        var e = Assert.Throws<SpecException>(() => Load(("nodes.provider", "ssh"), ("nodes.hosts", hosts)));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Local_isolation_picks_the_network_and_is_checked_by_the_local_provider()
    {
        Assert.Equal("proxy", Networks.KindFor(Load().Nodes));
        Assert.Equal("iptables", Networks.KindFor(Load(("nodes.isolation", "netns")).Nodes));
        var e = Assert.Throws<SpecException>(() => Load(("nodes.isolation", "vm")));
        Assert.Contains("field 'nodes.isolation' 'vm' is not an isolation (proxy, netns)", e.Message);
        var ssh = Assert.Throws<SpecException>(() => Load(("nodes.connect-timeout", "5")));
        Assert.Contains("field 'nodes.connectTimeout' is only for the ssh provider", ssh.Message);
    }

    [Fact]
    public void What_the_database_and_nodes_can_do_follows_from_the_interfaces_their_types_implement()
    {
        Assert.Equal(DbNeeds.Kill | DbNeeds.Pause | DbNeeds.Primary, Capabilities.OfDb(typeof(ZooKeeperDb)));
        Assert.Equal(DbNeeds.None, Capabilities.OfDb(typeof(object)));
        var suite = new ZooKeeperSuite();
        Assert.Equal(NodeNeeds.Freeze, Capabilities.Planned(suite, Load(("nodes.provider", "docker")).Nodes).Nodes);
        Assert.Equal(NodeNeeds.None, Capabilities.Planned(suite, Load().Nodes).Nodes);

        // So the whole-node freeze is a fault Docker nodes can take, and local ones are refused it by name.
        var docker = Load(("nodes.provider", "docker"), ("nemesis.faults", "pause-container"));
        Assert.Equal(["pause-container"], docker.Nemesis.Faults);
        var e = Assert.Throws<SpecException>(() => Load(("nemesis.faults", "pause-container")));
        Assert.Contains("frozen whole (Docker containers), which local nodes are not", e.Message);
    }
}
