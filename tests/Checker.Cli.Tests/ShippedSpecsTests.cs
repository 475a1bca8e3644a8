using Checker.Cli.Suites;

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
            if (Runner.Databases.ZooKeeper.Candidates.BugCandidate.Named(name) is null) Assert.Equal($"{spec.Db.Name}-{spec.Workload.Name}", name);
        }
        foreach (var db in new[] { "zookeeper", "etcd" })
            foreach (var workload in new[] { "register", "set", "queue", "mutex", "bank" })
                Assert.Contains(members, m => m.Spec.Db.Name == db && m.Spec.Workload.Name == workload);
    }
}
