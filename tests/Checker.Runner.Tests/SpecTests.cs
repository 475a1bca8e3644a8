using Checker.Runner.Spec;

namespace Checker.Runner.Tests;

public class SpecTests
{
    static string Workload => Checker.Tests.RepositoryPaths.DefaultSpec;

    [Fact]
    public void The_shipped_workload_loads_with_its_values()
    {
        var spec = SpecLoader.Load(Workload);
        Assert.Equal("zookeeper-register", spec.Name);
        Assert.Equal(3, spec.Nodes.Count);
        Assert.True(spec.Workload.SyncReads);
        Assert.Contains("partition-isolate-leader", spec.Nemesis.Faults);
    }

    [Fact]
    public void Flags_override_fields_by_dotted_kebab_or_camel_names()
    {
        var spec = SpecLoader.Load(Workload,
        [
            new("time-limit", "30"), new("nemesis.interval", "4"), new("nemesis.duration", "2"),
            new("workload.syncReads", "false"), new("nemesis.faults", "kill-random,partition-bridge"), new("client.mode", "stale-reads"),
        ]);
        Assert.Equal(30, spec.TimeLimit);
        Assert.Equal(4, spec.Nemesis.Interval);
        Assert.False(spec.Workload.SyncReads);
        Assert.Equal(["kill-random", "partition-bridge"], spec.Nemesis.Faults);
        Assert.Equal("stale-reads", spec.Client.Mode);
    }

    [Fact]
    public void An_unknown_field_in_the_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("""{"name":"t","nemesis":{"intervall":3}}""", "t.json"));
        Assert.Contains("nemesis.intervall", e.Message);
    }

    [Fact]
    public void An_unknown_flag_is_an_error_naming_it()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("{}", "t.json", [new("workload.colour", "red")]));
        Assert.Contains("workload.colour", e.Message);
    }

    [Theory]
    [InlineData("""{"concurrency":"many"}""", "concurrency")]
    [InlineData("""{"concurrency":0}""", "concurrency")]
    [InlineData("""{"nemesis":{"faults":["flood"]}}""", "nemesis.faults")]
    [InlineData("""{"nemesis":{"interval":2,"duration":5}}""", "nemesis.duration")]
    [InlineData("""{"client":{"mode":"sloppy"}}""", "client.mode")]
    [InlineData("""{"nodes":{"provider":"ssh"}}""", "nodes.provider")]
    public void A_bad_value_is_an_error_naming_the_field(string json, string field)
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse(json, "t.json"));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void A_flag_with_a_bad_number_names_the_flag()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("{}", "t.json", [new("rate", "fast")]));
        Assert.Contains("rate", e.Message);
    }

    [Fact]
    public void The_resolved_spec_round_trips_through_json()
    {
        var spec = SpecLoader.Load(Workload, [new("time-limit", "12")]);
        var again = SpecLoader.Parse(SpecLoader.ToJson(spec), "spec.json");
        Assert.Equal(12, again.TimeLimit);
        Assert.Equal(spec.Nemesis.Faults, again.Nemesis.Faults);
    }
}
