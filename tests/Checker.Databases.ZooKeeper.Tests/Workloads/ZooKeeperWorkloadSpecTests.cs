using Checker.Runner.Databases;
using Checker.Runner.Spec;
using Checker.Runner.Workloads;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>The ZooKeeper workload specs load as they are, and accept their workload's faulty mode.</summary>
public sealed class ZooKeeperWorkloadSpecTests
{
    [Theory]
    [InlineData("set")]
    [InlineData("queue")]
    [InlineData("mutex")]
    [InlineData("bank")]
    public void Each_workload_spec_loads_and_takes_its_faulty_mode(string workload)
    {
        var path = Path.Combine(Checker.Tests.RepositoryPaths.Workloads, $"zookeeper-{workload}.json");
        var spec = SpecLoader.Load(path, []);
        Assert.Equal(("zookeeper", workload, ClientModes.Correct), (spec.Db.Name, spec.Workload.Name, spec.Client.Mode));
        Assert.Contains(workload, DatabaseSuites.Find("zookeeper")!.Workloads);
        var faulty = SpecLoader.Load(path, [KeyValuePair.Create("client.mode", ClientModes.FaultyModeOf(workload)!)]);
        Assert.Equal(ClientModes.FaultyModeOf(workload), faulty.Client.Mode);
        var wrong = Assert.Throws<SpecException>(() => SpecLoader.Load(path, [KeyValuePair.Create("client.mode", "stale-reads")]));
        Assert.Contains("client.mode", wrong.Message);
    }

    [Fact]
    public void The_mutex_spec_keeps_its_faults_well_under_the_session_timeout_and_its_recovery_budget_above_it()
    {
        var spec = SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "zookeeper-mutex.json"), []);
        var session = (double)spec.Db.Settings["sessionTimeout"];
        Assert.True(spec.Nemesis.Duration * 2 <= session, "a fault as long as the session timeout can expire a holder's session");
        Assert.True(spec.Recovery.Budget > session, "an abandoned session's znode may block the lock until the session expires");
    }
}
