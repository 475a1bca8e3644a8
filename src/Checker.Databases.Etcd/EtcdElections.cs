using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Checker.Core.Checks;
using Checker.Runner.Databases;

namespace Checker.Databases.Etcd;

/// <summary>
/// Reads raft's leader changes from etcd 3.4's zap logs (one JSON object a line, "ts" and "msg"). Each
/// member's log names the member by its raft id; a peer's id is named by the node whose own log uses it.
/// A span without a leader opens at "raft.node: ID lost leader L at term T" and closes at the next
/// "raft.node: ID elected leader L at term T"; what set it off is the line just before it: a message
/// with a higher term from a peer, the member's own election timeout, or its losing a quorum.
/// </summary>
internal static partial class EtcdElections
{
    [GeneratedRegex(@"^raft\.node: (\w+) (lost|elected) leader (\w+) at term (\d+)$")]
    private static partial Regex LeaderLine();

    [GeneratedRegex(@"^(\w+) \[term: \d+\] received a (\w+) message with higher term from (\w+) \[term: (\d+)\]$")]
    private static partial Regex HigherTermLine();

    [GeneratedRegex(@"^(\w+) is starting a new election at term \d+$")]
    private static partial Regex TimeoutLine();

    /// <summary>How long before a leader loss a line may be and still count as what set it off.</summary>
    static readonly TimeSpan TriggerWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>The elections in each node's log lines, in the time base that starts at `origin`.</summary>
    public static List<LeaderElection> Parse(
        IReadOnlyDictionary<string, IEnumerable<string>> logs,
        DateTimeOffset origin
    )
    {
        var entries = logs.ToDictionary(l => l.Key, l => Entries(l.Value).ToList());
        // A member's own id is the subject of its raft.node lines.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (node, lines) in entries)
            if (lines.Select(e => LeaderLine().Match(e.Msg)).FirstOrDefault(m => m.Success) is { } m)
                names.TryAdd(m.Groups[1].Value, node);
        string Name(string id) => names.GetValueOrDefault(id, $"member {id}");

        var elections = new List<LeaderElection>();
        foreach (var (node, lines) in entries)
        {
            long? lostAt = null;
            long electedTerm = 0;
            string? openTrigger = null;
            (DateTimeOffset At, string What)? trigger = null;
            foreach (var (ts, msg) in lines)
            {
                long At() => (ts - origin).Ticks * 100;
                if (HigherTermLine().Match(msg) is { Success: true } h)
                    trigger = (
                        ts,
                        $"a {h.Groups[2].Value} with the higher term {h.Groups[4].Value} "
                            + $"from {Name(h.Groups[3].Value)}"
                    );
                else if (TimeoutLine().IsMatch(msg))
                    trigger = (ts, "its own election timeout (no word from the leader)");
                else if (msg.Contains("stepped down to follower since quorum is not active", StringComparison.Ordinal))
                    trigger = (ts, "the leader losing touch with a quorum");
                else if (LeaderLine().Match(msg) is { Success: true } l)
                {
                    var term = long.Parse(l.Groups[4].Value, CultureInfo.InvariantCulture);
                    if (l.Groups[2].Value == "lost")
                    {
                        if (lostAt is not null)
                            continue; // still without a leader
                        lostAt = At();
                        openTrigger = trigger is { } t && ts - t.At <= TriggerWindow ? t.What : null;
                        if (electedTerm == 0)
                            electedTerm = term;
                    }
                    else
                    {
                        if (lostAt is { } from)
                            elections.Add(new LeaderElection(node, from, At(), electedTerm, term, openTrigger));
                        lostAt = null;
                        electedTerm = term;
                    }
                }
            }
            if (lostAt is { } open)
                elections.Add(new LeaderElection(node, open, null, electedTerm, null, openTrigger));
        }
        return elections.OrderBy(e => e.LostAt).ThenBy(e => e.Node, StringComparer.Ordinal).ToList();
    }

    /// <summary>The time and message of each log line that has both; the rest are skipped.</summary>
    static IEnumerable<(DateTimeOffset Ts, string Msg)> Entries(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            if (!line.Contains("raft", StringComparison.Ordinal))
                continue; // every line read here is raft's
            (DateTimeOffset, string)? entry = null;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (
                    doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("ts", out var ts)
                    && ts.ValueKind == JsonValueKind.String
                    && doc.RootElement.TryGetProperty("msg", out var msg)
                    && msg.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(
                        ts.GetString(),
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal,
                        out var at
                    )
                )
                    entry = (at, msg.GetString()!);
            }
            catch (JsonException) { }
            if (entry is { } e)
                yield return e;
        }
    }
}
