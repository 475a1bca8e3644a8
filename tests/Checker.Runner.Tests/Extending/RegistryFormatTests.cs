using Checker.Runner.Running;

namespace Checker.Runner.Tests.Extending;

/// <summary>
/// Registry entries written before node providers kept their own part (Reach) still lead clean to the nodes.
/// </summary>
public sealed class RegistryFormatTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("checker-runs-").FullName;

    [Fact]
    public void An_earlier_entrys_ssh_and_docker_fields_are_read_as_what_the_provider_wrote_to_reach_its_nodes()
    {
        File.WriteAllText(Path.Combine(runs, "ssh.json"), """
            { "RunId": "s", "RunnerPid": 2147483000, "RunnerStartTime": 1, "RunDir": null,
              "NodesRoot": "/tmp/checker-s",
              "Provider": "ssh", "Processes": [],
              "Ssh": { "Provider": "ssh", "Count": 3, "Hosts": ["10.0.0.1", "10.0.0.2"], "User": "admin", "Port": 2222,
                       "PrivateKey": "/k", "KnownHosts": "/kh", "Sudo": true },
              "DockerHost": null }
            """);
        File.WriteAllText(Path.Combine(runs, "docker.json"), """
            { "RunId": "d", "RunnerPid": 2147483000, "RunnerStartTime": 1, "RunDir": null,
              "NodesRoot": "/tmp/checker-d",
              "Provider": "docker", "Processes": [], "Ssh": null, "DockerHost": "unix:///run/other.sock" }
            """);

        var entries = RunRegistry.List(runs).ToDictionary(e => e.Run.RunId, e => e.Run);

        var ssh = entries["s"].Reach!["Ssh"]!;
        Assert.Equal(["10.0.0.1", "10.0.0.2"], ssh["Hosts"]!.ToObject<string[]>());
        Assert.Equal(2222, (int)ssh["Port"]!);
        Assert.Equal("unix:///run/other.sock", (string?)entries["d"].Reach!["DockerHost"]);
    }

    [Fact]
    public void A_new_entry_keeps_what_the_provider_wrote_under_reach()
    {
        var spec = SpecLoaderFor("h1,h2");
        var reach = Nodes.NodeProviders.Of(spec.Nodes).Reach(spec.Nodes);
        _ = new RunRegistry(runs, "r", null, "/tmp/checker-r", "ssh", reach);

        var entry = RunRegistry.List(runs).Single().Run;
        Assert.Equal(["h1", "h2"], entry.Reach!["Ssh"]!["Hosts"]!.ToObject<string[]>());
        Assert.DoesNotContain("secret", File.ReadAllText(Path.Combine(runs, "r.json"))); // never the password
    }

    static Spec.TestSpec SpecLoaderFor(string hosts) => Spec.SpecLoader.Parse("{}", "t.json",
        [new("nodes.provider", "ssh"), new("nodes.hosts", hosts), new("nodes.password", "secret")]);

    public void Dispose() => Directory.Delete(runs, recursive: true);
}
