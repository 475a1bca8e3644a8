using Checker.Core.Checks;
using Checker.Core.Linearizability;
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
        var outcome = await IsolatedFollowerScenario.RunAsync(cluster, serializable, seed: 5, TimeSpan.FromSeconds(5));

        var check = outcome.Check;
        output.WriteLine($"serializable={serializable}, {outcome.Isolated} isolated: {check.Verdict}\n{check.Summary}");
        if (check.Details is LinearizabilityReport { Failure: { } f })
            output.WriteLine($"stale read: process {f.Failed.Process} read {f.Failed.Output} from key {f.Key}; states then: {string.Join(", ", f.States)}");
        Assert.Equal(serializable ? Verdict.Invalid : Verdict.Valid, check.Verdict);
    }
}
