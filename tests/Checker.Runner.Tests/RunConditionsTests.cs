using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Runner.Tests;

/// <summary>The conditions a run records in results.json: the machine's load and cores, nodes, network.</summary>
public sealed class RunConditionsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("checker-conditions-").FullName;

    [Fact]
    public void The_load_average_is_read_from_proc_loadavg_and_a_missing_or_odd_file_gives_none()
    {
        var file = Path.Combine(dir, "loadavg");
        File.WriteAllText(file, "10.40 6.30 4.05 3/412 81234\n");
        Assert.Equal([10.4, 6.3, 4.05], RunConditions.LoadAverage(file));
        File.WriteAllText(file, "garbage\n");
        Assert.Null(RunConditions.LoadAverage(file));
        Assert.Null(RunConditions.LoadAverage(Path.Combine(dir, "none")));
        Assert.Equal(3, RunConditions.LoadAverage()!.Length); // this machine's own
    }

    [Fact]
    public void Conditions_at_start_and_end_name_the_machine_nodes_and_network()
    {
        var spec = new TestSpec { Nodes = new NodesSpec { Provider = "local", Count = 3, Settings = { ["isolation"] = "netns" } } };
        var extra = new Dictionary<string, object?> { [RunConditions.Field] = RunConditions.AtStart(spec) };
        RunConditions.AtEnd(extra, "netns", "iptables");
        var c = (Dictionary<string, object?>)extra[RunConditions.Field]!;
        Assert.Equal(Environment.ProcessorCount, c["cores"]);
        Assert.Equal(("local", "netns", "netns", "iptables"),
            (c["provider"], c["isolation"], c["nodeKind"], c["network"]));
        Assert.IsType<double[]>(c["loadAtStart"]);
        Assert.IsType<double[]>(c["loadAtEnd"]);
        Assert.NotNull(c["checker"]);
        var docker = RunConditions.AtStart(new TestSpec { Nodes = new NodesSpec { Provider = "docker" } });
        Assert.Null(docker["isolation"]); // isolation is a choice of local nodes only
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
