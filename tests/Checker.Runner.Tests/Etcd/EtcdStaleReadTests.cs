using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Runner.Databases.Etcd;
using Checker.Runner.Generation;
using Checker.Runner.Net;
using Checker.Runner.Spec;
using Xunit.Abstractions;

namespace Checker.Runner.Tests.Etcd;

/// <summary>
/// etcd documents that a serializable read is answered by the member from its own state, which may
/// be stale. Cut one follower off from its peers while its clients keep reading: with serializable
/// reads the checker must find a stale read; with linearizable reads the same schedule stays valid.
/// </summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdStaleReadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_isolated_follower_serves_stale_serializable_reads_and_no_stale_linearizable_ones(bool serializable)
    {
        await using var cluster = await LocalEtcdCluster.StartAsync();
        var registers = new EtcdRegisters(cluster.Nodes.Select(cluster.Endpoint).ToList(), $"stale-{Guid.NewGuid():N}",
            serializable, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        // Few keys and many writes, so the isolated member falls behind on every key quickly.
        var workload = new RegisterWorkload(new WorkloadSpec { Keys = 2, Values = 5, ReadWeight = 2, WriteWeight = 2, CasWeight = 0 });
        using var history = new HistoryRecorder(null);
        var generator = new Generator(new GeneratorOptions(6, cluster.Nodes.Count, 200, TimeSpan.FromSeconds(2), Seed: 5), registers, workload, history);
        generator.Start(CancellationToken.None);

        await Task.Delay(1500);
        var leader = await cluster.Db.FindPrimaryAsync(default);
        var follower = cluster.Nodes.First(n => n != leader);
        cluster.Proxies.Partition(Grudge.Between([follower.Name], cluster.Nodes.Where(n => n != follower).Select(n => n.Name)), LinkFault.Drop);
        await Task.Delay(5000);
        cluster.Proxies.Heal();
        await Task.Delay(1500);
        await generator.StopAsync();

        var check = new LinearizabilityChecker(ModelCatalog.Create("cas-register"),
            new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60), SplitByKey = true }).Check(history.Snapshot());
        output.WriteLine($"serializable={serializable}, {follower} isolated: {check.Verdict}\n{check.Summary}");
        if (check.Details is LinearizabilityReport { Failure: { } f })
            output.WriteLine($"stale read: process {f.Failed.Process} read {f.Failed.Output} from key {f.Key}; states then: {string.Join(", ", f.States)}");
        Assert.Equal(serializable ? Verdict.Invalid : Verdict.Valid, check.Verdict);
    }
}
