using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Xunit.Abstractions;

namespace Checker.Databases.Etcd.Tests;

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
        // Stale reads show up sooner or later, not in every window on a loaded machine: up to three tries
        // to find one; linearizable reads must stay valid in every try.
        await using var cluster = await LocalEtcdCluster.StartAsync();
        var verdicts = new List<Verdict>();
        for (var attempt = 0; attempt < 3 && !verdicts.Contains(Verdict.Invalid); attempt++)
        {
            var outcome = await IsolatedFollowerScenario.RunAsync(cluster, serializable, seed: 5 + attempt, TimeSpan.FromSeconds(5));
            var check = outcome.Check;
            output.WriteLine($"serializable={serializable}, {outcome.Isolated} isolated: {check.Verdict}\n{check.Summary}");
            if (check.Details is LinearizabilityReport { Failure: { } f })
                output.WriteLine($"stale read: process {f.Failed.Process} read {f.Failed.Output} from key {f.Key}; states then: {string.Join(", ", f.States)}");
            verdicts.Add(check.Verdict);
            if (!serializable) break;
        }
        if (serializable) Assert.Contains(Verdict.Invalid, verdicts);
        else Assert.Equal([Verdict.Valid], verdicts);
    }
}
