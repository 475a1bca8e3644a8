using Checker.Core.Formats;
using Checker.Runner.Hosts;
using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Runner.Tests.Hosts;

/// <summary>Local nodes in network namespaces of their own, faulted by iptables (needs root).</summary>
[Trait("Tier", "Slow")]
[Collection("zookeeper")]
public sealed class NetnsRunTests : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    [Fact]
    public async Task A_run_with_netns_isolation_is_valid_and_leaves_no_namespace_bridge_or_rule()
    {
        var spec = SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec,
            new (string, string)[]
            {
                ("nodes.isolation", "netns"), ("time-limit", "16"), ("nemesis.faults", "partition-isolate-leader,partition-one-way,crash,loss"),
                ("nemesis.interval", "5"), ("nemesis.duration", "2"), ("nemesis.initial-delay", "1"),
            }.Select(o => KeyValuePair.Create(o.Item1, o.Item2)));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 31), CancellationToken.None);

        Support.RunAssert.Valid(outcome);
        Assert.Contains("\"network\": \"iptables\"", File.ReadAllText(outcome.Folder.Results));
        Assert.Contains(HistoryFile.Load(outcome.Folder.History), o => o.IsNemesis && o.F is "start-partition" or "start-crash" or "start-loss");
        Assert.Empty(ZooKeeperRunTests.ProcessesOf(outcome.Folder.RunId));
        Assert.DoesNotContain("teardown: ", File.ReadAllText(outcome.Folder.Log)); // every teardown step worked
        // Nothing of this run's is left: no bridge, veth or namespace with its names (other tests may have their own).
        var prefix = Nodes.NetnsNodeProvider.PrefixOf(Path.Combine(Path.GetTempPath(), $"checker-{outcome.Folder.RunId}"));
        Assert.DoesNotContain(prefix + "-", (await Shell.RunAsync(["ip", "-o", "link"])).Output);
        Assert.DoesNotContain(prefix + "-", (await Shell.RunAsync(["ip", "netns", "list"])).Output);
        var subnet = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(outcome.Folder.Log), @"netns nodes n1=127\.(\d+)\.1\.1").Groups[1].Value;
        Assert.NotEqual("", subnet);
        Assert.DoesNotContain($"127.{subnet}.1.254/", (await Shell.RunAsync(["ip", "-o", "addr"])).Output); // the bridge's address is gone
    }

    public void Dispose() => Directory.Delete(results, recursive: true);
}
