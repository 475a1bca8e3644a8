using Checker.Databases.ZooKeeper;
using Checker.Runner.Spec;

namespace Checker.Databases.ZooKeeper.Tests;

public class SpecTests
{
    static string Workload => Checker.Tests.RepositoryPaths.DefaultSpec;

    static bool SyncReads(TestSpec spec) => SpecSections.Read<ZooKeeperRegisterSettings>(spec.Workload.Settings, "workload").SyncReads;

    [Fact]
    public void The_shipped_workload_loads_with_its_values()
    {
        var spec = SpecLoader.Load(Workload);
        Assert.Equal("zookeeper-register", spec.Name);
        Assert.Equal(3, spec.Nodes.Count);
        Assert.True(SyncReads(spec));
        Assert.Equal([Checker.Runner.Faults.FaultTable.Default], spec.Nemesis.Faults);
    }

    [Fact]
    public void Default_is_the_default_faults_that_can_run_and_a_fault_named_by_itself_is_left_to_the_validator()
    {
        // An iptables network on a kernel without tc netem, and a database that cannot name a leader.
        const Checker.Runner.Net.NetworkAbilities network =
            Checker.Runner.Net.NetworkAbilities.Drop | Checker.Runner.Net.NetworkAbilities.Blackhole | Checker.Runner.Net.NetworkAbilities.OneWay
            | Checker.Runner.Net.NetworkAbilities.Loss;
        var (faults, leftOut) = Checker.Runner.Faults.FaultTable.ResolveDefaults(["kill-random", "default", "loss"],
            new Checker.Runner.Faults.Capabilities(Checker.Runner.Faults.DbNeeds.Kill | Checker.Runner.Faults.DbNeeds.Pause, Checker.Runner.Faults.NodeNeeds.None, network, "db", "netns",
                "iptables"), Checker.Runner.Net.PartitionMode.Blackhole);
        Assert.Equal(["kill-random", "partition-random-halves", "partition-isolate-one", "partition-majorities-ring",
            "partition-bridge", "partition-one-way", "pause-random", "loss"], faults);
        Assert.Equal(3, leftOut.Count);
        Assert.Contains(leftOut, w => w.StartsWith("fault 'slow' needs the network", StringComparison.Ordinal));
        Assert.Contains(leftOut, w => w.StartsWith("fault 'kill-leader' needs the database", StringComparison.Ordinal));

        // Named by itself, the same fault is refused, naming it.
        var spec = SpecLoader.Load(Workload, [new("nemesis.faults", "default,slow"), new("nodes.isolation", "netns")]);
        const Checker.Runner.Faults.DbNeeds everything = Checker.Runner.Faults.DbNeeds.Kill | Checker.Runner.Faults.DbNeeds.Pause | Checker.Runner.Faults.DbNeeds.Primary;
        var e = Assert.Throws<SpecException>(
            () => SpecValidator.ValidateFaults(spec, new Checker.Runner.Faults.Capabilities(everything, Checker.Runner.Faults.NodeNeeds.None, network)));
        Assert.Contains("fault 'slow' needs the network to delay packets", e.Message);
    }

    [Fact]
    public void Flags_override_fields_by_dotted_kebab_or_camel_names()
    {
        var spec = SpecLoader.Load(Workload,
        [
            new("time-limit", "30"), new("nemesis.interval", "4"), new("nemesis.duration", "2"),
            new("workload.syncReads", "false"), new("nemesis.faults", "kill-random,partition-bridge"), new("client.mode", "stale-reads"),
        ]);
        Assert.Equal(30, spec.TimeLimit);
        Assert.Equal(4, spec.Nemesis.Interval);
        Assert.False(SyncReads(spec));
        Assert.Equal(["kill-random", "partition-bridge"], spec.Nemesis.Faults);
        Assert.Equal("stale-reads", spec.Client.Mode);
    }

    [Fact]
    public void An_unknown_field_in_the_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("""{"name":"t","nemesis":{"intervall":3}}""", "t.json"));
        Assert.Contains("nemesis.intervall", e.Message);
    }

    [Fact]
    public void An_unknown_flag_is_an_error_naming_it()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("{}", "t.json", [new("workload.colour", "red")]));
        Assert.Contains("workload.colour", e.Message);
    }

    [Theory]
    [InlineData("""{"concurrency":"many"}""", "concurrency")]
    [InlineData("""{"concurrency":0}""", "concurrency")]
    [InlineData("""{"nemesis":{"faults":["flood"]}}""", "nemesis.faults")]
    [InlineData("""{"nemesis":{"interval":2,"duration":5}}""", "nemesis.duration")]
    [InlineData("""{"client":{"mode":"sloppy"}}""", "client.mode")]
    [InlineData("""{"nodes":{"provider":"carrier-pigeon"}}""", "nodes.provider")]
    [InlineData("""{"db":{"name":"mongo"}}""", "db.name")]
    [InlineData("""{"db":{"tickTime":500}}""", "db.tickTime")]
    [InlineData("""{"db":{"tickTimeMs":2}}""", "db.tickTimeMs")]
    [InlineData("""{"workload":{"keys":0}}""", "workload.keys")]
    [InlineData("""{"workload":{"name":"ledger"}}""", "workload.name")]
    [InlineData("""{"workload":null}""", "workload")]
    [InlineData("""{"timeLimit":1e300}""", "timeLimit")]
    [InlineData("""{"concurrency":1.5}""", "concurrency")]
    [InlineData("""{"checker":{"model":"set"}}""", "checker.model")]
    [InlineData("""{"workload":{"valueBytes":2000000}}""", "workload.valueBytes")]
    [InlineData("""{"nemesis":{"stallAfterBytes":0}}""", "nemesis.stallAfterBytes")]
    [InlineData("""{"nemesis":{"faults":null}}""", "nemesis.faults")]
    [InlineData("""{"nodes":{"hosts":null}}""", "nodes.hosts")]
    [InlineData("""{"client":{"mode":null}}""", "client.mode")]
    public void A_bad_value_is_an_error_naming_the_field(string json, string field)
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse(json, "t.json"));
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("rate", "fast")]
    [InlineData("concurrency", "1.5")]
    [InlineData("time-limit", "NaN")]
    public void A_flag_with_a_bad_number_names_the_flag(string flag, string value)
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("{}", "t.json", [new(flag, value)]));
        Assert.Contains(flag, e.Message);
    }

    [Fact]
    public void A_bad_value_is_described_in_the_specs_words_not_dotnets()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("""{"concurrency":"many"}""", "t.json"));
        Assert.Contains("needs a whole number", e.Message);
        Assert.DoesNotContain("System.", e.Message);
        Assert.DoesNotContain("Int32", e.Message);
    }

    [Fact]
    public void The_suites_own_fields_are_overridable_and_kept_in_the_resolved_spec()
    {
        var spec = SpecLoader.Parse("{}", "t.json", [new("db.tick-time-ms", "250"), new("workload.keys", "3")]);
        Assert.Equal(250, SpecSections.Read<ZooKeeperSettings>(spec.Db.Settings, "db").TickTimeMs);
        var json = SpecLoader.ToJson(spec);
        Assert.Contains("\"tickTimeMs\": 250", json);
        Assert.Contains("\"syncLimit\": 5", json); // defaults are written out too, so spec.json says what ran
        Assert.Contains("\"keys\": 3", json);
    }

    [Fact]
    public void A_flag_with_a_bad_number_names_the_flag_in_a_group()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("{}", "t.json", [new("nemesis.interval", "often")]));
        Assert.Contains("nemesis.interval", e.Message);
    }

    [Fact]
    public void The_resolved_spec_round_trips_through_json()
    {
        var spec = SpecLoader.Load(Workload, [new("time-limit", "12")]);
        var again = SpecLoader.Parse(SpecLoader.ToJson(spec), "spec.json");
        Assert.Equal(12, again.TimeLimit);
        Assert.Equal(spec.Nemesis.Faults, again.Nemesis.Faults);
    }

    [Theory]
    [InlineData("stall-leader-link")]
    [InlineData("half-open-leader-link")]
    public void A_stall_fault_is_refused_on_the_proxy_network_and_taken_where_nodes_have_their_own_kernel_network(string fault)
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("{}", "t.json", [new("nemesis.faults", fault)]));
        Assert.Contains($"fault '{fault}' needs the network to stall an established connection", e.Message);
        Assert.Contains("proxy", e.Message);
        var spec = SpecLoader.Parse("{}", "t.json", [new("nemesis.faults", fault), new("nodes.isolation", "netns")]);
        Assert.Equal([fault], spec.Nemesis.Faults);
    }

    [Fact]
    public void The_2201_spec_loads_with_big_znodes_forced_snapshot_syncs_and_the_stalled_leader_link()
    {
        var spec = SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "zookeeper-2201.json"));
        Assert.Equal(["stall-leader-link"], spec.Nemesis.Faults);
        Assert.Equal("netns", spec.Nodes.Settings["isolation"].ToString());
        Assert.True(spec.Nemesis.Duration >= spec.Recovery.Budget + spec.Recovery.Stall); // long enough for the availability check to judge
        Assert.Contains("\"valueBytes\": 500000", SpecLoader.ToJson(spec));
        Assert.Contains("\"-Dzookeeper.forceSnapshotSync=true\"", SpecLoader.ToJson(spec));
    }

    [Fact]
    public void A_provider_chosen_on_the_command_line_drops_the_files_fields_for_another_provider_but_not_the_flags()
    {
        const string file = """{"nodes":{"isolation":"netns"}}""";
        var spec = SpecLoader.Parse(file, "t.json", [new("nodes.provider", "docker")]);
        Assert.Equal("docker", spec.Nodes.Provider);
        Assert.DoesNotContain("isolation", spec.Nodes.Settings.Keys);
        Assert.Equal("netns", (string?)SpecLoader.Parse(file, "t.json").Nodes.Settings["isolation"]); // the file's own provider keeps it
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse(file, "t.json", [new("nodes.provider", "docker"), new("nodes.isolation", "netns")]));
        Assert.Contains("'nodes.isolation' is only for the local provider", e.Message);
    }
}
