namespace Checker.Runner.Nemesis;

/// <summary>The faults a spec may name, and the history kind each records (start-KIND / stop-KIND).</summary>
public static class NemesisFaults
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["partition-random-halves"] = "partition",
        ["partition-isolate-one"] = "partition",
        ["partition-isolate-leader"] = "partition",
        ["partition-majorities-ring"] = "partition",
        ["partition-bridge"] = "partition",
        ["partition-one-way"] = "partition",
        ["kill-random"] = "kill",
        ["kill-leader"] = "kill",
        ["kill-majority"] = "kill",
        ["pause-random"] = "pause",
        ["pause-leader"] = "pause",
        ["slow"] = "slow",
    };

    public static IReadOnlyCollection<string> Names => (IReadOnlyCollection<string>)Kinds.Keys;
}
