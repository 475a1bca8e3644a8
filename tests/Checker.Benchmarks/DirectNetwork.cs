using Checker.Runner.Net;
using Checker.Runner.Nodes;

namespace Checker.Benchmarks;

/// <summary>Nodes talk to each other directly, with no way to fault the links: the baseline a fault network is measured against.</summary>
sealed class DirectNetwork : INetwork
{
    public string Kind => "direct";
    public NetworkAbilities Abilities => NetworkAbilities.None;
    public string PeerAddress(Node from, Node to) => to.Address;
    public Task PartitionAsync(Grudge grudge, PartitionMode mode, CancellationToken ct) => throw Cannot();
    public Task SlowAsync(TimeSpan delay, TimeSpan jitter, CancellationToken ct) => throw Cannot();
    public Task LoseAsync(double probability, CancellationToken ct) => throw Cannot();
    public Task LimitBandwidthAsync(long bitsPerSecond, CancellationToken ct) => throw Cannot();
    public Task StallAsync(string from, string to, long afterBytes, bool bothWays, CancellationToken ct) => throw Cannot();
    public Task HealAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    static NotSupportedException Cannot() => new("the direct network cannot fault links");
}
