namespace Checker.Core.History;

/// <summary>
/// What a history may say about itself before its first op (JSON Lines: a first record
/// {"header": {"start": "2026-11-26T09:00:00.000Z", "nodes": ["n1", "n2", "n3"]}}).
/// </summary>
public sealed class HistoryHeader
{
    /// <summary>The wall-clock moment of time 0 (UTC): op times are nanoseconds after it.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>Every node of the cluster, so a node no client op ever reached is still judged.</summary>
    public List<string>? Nodes { get; set; }
}
