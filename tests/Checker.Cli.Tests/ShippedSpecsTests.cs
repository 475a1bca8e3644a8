using Checker.Cli.Suites;
using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests;

/// <summary>
/// Every spec and suite in workloads/ loads and validates: a shipped file with a typo would fail a user's first run.
/// A spec is named after its database and workload, or, for a regression scenario, after the bug it catches.
/// </summary>
public class ShippedSpecsTests
{
    [Fact]
    public void Every_shipped_spec_and_suite_loads_and_each_spec_is_named_after_its_database_and_workload()
    {
        var files = Directory.GetFiles(Checker.Tests.RepositoryPaths.Workloads, "*.json");
        var members = SuiteFile.Load(files, []);
        var specs = files.Where(f => !File.ReadAllText(f).TrimStart().StartsWith('[')).ToList();
        Assert.True(specs.Count >= 10, string.Join(", ", specs));
        foreach (var path in specs)
        {
            var spec = members.First(m => m.Label.StartsWith(Path.GetFileNameWithoutExtension(path), StringComparison.Ordinal)).Spec;
            var name = Path.GetFileNameWithoutExtension(path);
            Assert.Equal(spec.Name, name);
            if (Checker.Databases.ZooKeeper.Candidates.BugCandidate.Named(name) is null) Assert.Equal($"{spec.Db.Name}-{spec.Workload.Name}", name);
        }
        foreach (var db in new[] { "zookeeper", "etcd" })
            foreach (var workload in new[] { "register", "set", "queue", "mutex", "bank" })
                Assert.Contains(members, m => m.Spec.Db.Name == db && m.Spec.Workload.Name == workload);
    }

    static IEnumerable<string> SpecFiles() =>
        Directory.GetFiles(Checker.Tests.RepositoryPaths.Workloads, "*.json")
            .Where(f => File.ReadAllText(f).TrimStart().StartsWith('{'));

    /// <summary>The fields every spec states, though they may equal the defaults: what it tests.</summary>
    static readonly string[] Named = ["name", "db.name", "workload.name"];

    [Fact]
    public void Every_shipped_spec_states_only_its_name_its_database_its_workload_and_what_differs_from_the_defaults()
    {
        foreach (var path in SpecFiles())
        {
            var given = JObject.Parse(File.ReadAllText(path));
            Assert.True(given.SelectToken("db.name") is not null && given.SelectToken("workload.name") is not null,
                $"{path}: names no db or workload");
            // The defaults are what the loader fills in for a spec that names only the database and workload.
            var bare = new JObject
            {
                ["db"] = new JObject { ["name"] = given["db"]!["name"] },
                ["workload"] = new JObject { ["name"] = given["workload"]!["name"] },
            };
            var defaults = JObject.Parse(SpecLoader.ToJson(SpecLoader.Parse(bare.ToString(), "defaults")));
            foreach (var leaf in given.Descendants().OfType<JProperty>().Where(p => p.Value is not JObject))
            {
                var field = leaf.Path;
                if (Named.Contains(field)) continue;
                var byDefault = defaults.SelectToken(field);
                Assert.NotNull(byDefault); // an unknown field would not have loaded
                Assert.False(JToken.DeepEquals(Numbers(byDefault!), Numbers(leaf.Value)),
                    $"{Path.GetFileName(path)}: field '{field}' states its default "
                    + $"{leaf.Value.ToString(Newtonsoft.Json.Formatting.None)}; leave it out");
            }
        }
    }

    /// <summary>Whole numbers as doubles, so 6 and 6.0 compare equal.</summary>
    static JToken Numbers(JToken t) => t switch
    {
        JValue { Type: JTokenType.Integer } v =>
            new JValue(Convert.ToDouble(v.Value, System.Globalization.CultureInfo.InvariantCulture)),
        JArray a => new JArray(a.Select(Numbers)),
        _ => t,
    };

    [Fact]
    public void The_shipped_specs_resolve_to_the_settings_their_runs_always_had()
    {
        var specs = SpecFiles().ToDictionary(Path.GetFileNameWithoutExtension, p => SpecLoader.Load(p));
        foreach (var (name, spec) in specs)
        {
            var bug = name == "zookeeper-2201";
            Assert.Equal(("local", 3, bug ? "netns" : "proxy"),
                (spec.Nodes.Provider, spec.Nodes.Count, (string?)spec.Nodes.Settings["isolation"]));
            Assert.Equal((6, bug ? 10.0 : 100.0, bug ? 75.0 : 60.0), (spec.Concurrency, spec.Rate, spec.TimeLimit));
            Assert.Equal(bug ? ["stall-leader-link"] : ["default"], spec.Nemesis.Faults);
            Assert.Equal((bug ? 45.0 : 15.0, bug ? 30.0 : 5.0, bug ? 15.0 : 5.0, "blackhole"),
                (spec.Nemesis.Interval, spec.Nemesis.Duration, spec.Nemesis.InitialDelay, spec.Nemesis.PartitionMode));
            Assert.Equal((3.0, 2.0, "correct"), (spec.Client.OpTimeout, spec.Client.ConnectTimeout, spec.Client.Mode));
            var queue = name.EndsWith("-queue", StringComparison.Ordinal);
            Assert.Equal((name == "zookeeper-mutex" ? 20.0 : 10.0, 5.0, queue ? 5.0 : 2.0),
                (spec.Recovery.Budget, spec.Recovery.Stall, spec.Recovery.FinalReads));
            Assert.Equal(120.0, spec.Checker.Timeout);
            Assert.Null(spec.Db.Install);
            if (spec.Db.Name == "zookeeper")
            {
                Assert.Equal(name == "zookeeper-mutex" ? 10.0 : 6.0, (double)spec.Db.Settings["sessionTimeout"]);
                Assert.Equal(bug ? "-Xmx1g" : "-Xmx256m", (string?)spec.Db.Settings["jvmOpts"]![0]);
            }
            else
            {
                var db = spec.Db.Settings;
                Assert.Equal((100, 1000, true), ((int)db["heartbeatMs"], (int)db["electionMs"], (bool)db["preVote"]));
            }
        }
        var w = specs["zookeeper-2201"].Workload.Settings;
        Assert.Equal((16, 1.0, 1.0, 0.0, true, 500000),
            ((int)w["keys"], (double)w["readWeight"], (double)w["writeWeight"], (double)w["casWeight"],
                (bool)w["syncReads"], (int)w["valueBytes"]));
        var etcd = specs["etcd-register"].Workload.Settings;
        Assert.Equal((8, 2.0, false), ((int)etcd["keys"], (double)etcd["readWeight"], (bool)etcd["serializableReads"]));
        Assert.Equal(400, (int)specs["zookeeper-queue"].Workload.Settings["modelLimit"]);
    }
}
