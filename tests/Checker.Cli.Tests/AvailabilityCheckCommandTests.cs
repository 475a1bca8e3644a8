using System.Globalization;
using System.Text;

namespace Checker.Cli.Tests;

/// <summary>`checker check` on a history that names its nodes judges writes under faults that leave a majority connected.</summary>
[Trait("Tier", "Integration")] // a checker process per test
public sealed class AvailabilityCheckCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("checker-availability-").FullName;

    /// <summary>
    /// Writes every 0.5 s through n2 (key 0, values rising), a stall of the leader n1's link to n3 from 10 s
    /// to 40 s, and, when `stalled`, no write acknowledged from 16 s until the heal (each one times out).
    /// </summary>
    string History(bool stalled)
    {
        var lines = new StringBuilder("{\"header\":{\"start\":\"2026-12-07T01:00:00Z\",\"nodes\":[\"n1\",\"n2\",\"n3\"]}}\n");
        var value = 0;
        void Op(double at, string type, string f = "write", string? error = null) =>
            lines.Append(CultureInfo.InvariantCulture, $"{{\"time\":{(long)(at * 1e9)},\"process\":0,\"type\":\"{type}\",\"f\":\"{f}\",\"key\":0,\"value\":{value}" +
                $"{(type == "invoke" ? ",\"node\":\"n2\"" : "")}{(error is null ? "" : $",\"error\":\"{error}\"")}}}\n");
        void Nemesis(double at, string f, string value) =>
            lines.Append(CultureInfo.InvariantCulture, $"{{\"time\":{(long)(at * 1e9)},\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"{f}\",\"value\":{value}}}\n");
        for (var t = 0.0; t < 60; t += 0.5)
        {
            if (t == 10) Nemesis(t, "start-stall", "{\"leader\":\"n1\",\"follower\":\"n3\",\"partition\":{\"n3\":[\"n1\"]}}");
            if (t == 40) Nemesis(t, "stop-stall", "null");
            value++;
            Op(t, "invoke");
            if (stalled && t is >= 16 and < 40)
            {
                Op(t + 0.4, "info", error: "timeout");
                continue;
            }
            Op(t + 0.01, "ok");
        }
        var path = Path.Combine(dir, $"{(stalled ? "stalled" : "served")}.jsonl");
        File.WriteAllText(path, lines.ToString());
        return path;
    }

    [Fact]
    public void Writes_that_stop_while_a_majority_stays_connected_are_invalid_and_named()
    {
        var (exit, output, _) = CheckCommandTests.Checker("check", History(stalled: true));
        Assert.Equal(1, exit);
        Assert.Contains("availability", output);
        Assert.Contains("write stall: no write was acknowledged from 20.0s to 40.0s", output); // after the 10 s grace
        Assert.Contains("n1, n2", output);
    }

    [Fact]
    public void Writes_that_go_on_under_the_same_fault_are_valid()
    {
        var (exit, output, _) = CheckCommandTests.Checker("check", History(stalled: false));
        Assert.Equal(0, exit);
        Assert.Contains("writes kept being acknowledged", output);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
