using Checker.Core.Formats;
using Checker.Runner.Running;
using Checker.Runner.Spec;
using Newtonsoft.Json.Linq;

namespace Checker.Databases.Etcd.Tests;

/// <summary>Whole runs of workloads/etcd-register.json against a real local three-member etcd cluster.</summary>
[Collection("etcd"), Trait("Tier", "Slow")]
public sealed class EtcdRunTests : IDisposable
{
    readonly string results = Directory.CreateTempSubdirectory("checker-results-").FullName;

    static TestSpec Spec(params (string Field, string Value)[] overrides) =>
        SpecLoader.Load(Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-register.json"), overrides.Select(o => KeyValuePair.Create(o.Field, o.Value)));

    [Fact]
    public async Task Thirty_seconds_of_partitions_kills_and_pauses_with_linearizable_reads_is_valid_and_leaves_nothing_running()
    {
        var spec = Spec(("time-limit", "30"), ("nemesis.faults", "partition-isolate-leader,kill-leader,partition-random-halves,kill-random,pause-random,partition-one-way"),
            ("nemesis.interval", "5"), ("nemesis.duration", "3"), ("nemesis.initial-delay", "2"), ("rate", "150"));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 3), CancellationToken.None);

        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var history = HistoryFile.Load(outcome.Folder.History);
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-partition");
        Assert.Contains(history, o => o.IsNemesis && o.F == "start-kill");
        // Whatever the machine's speed: after the final heal, every node served an ok operation.
        var healed = history.Last(o => o.IsNemesis && o.F == "heal" && o.Type == Core.History.OpType.Info).Index;
        Assert.Equal(3, history.Where(o => o.Index > healed && o.Type == Core.History.OpType.Ok && !o.IsNemesis)
            .Select(o => Checker.Runner.Generation.Generator.NodeOf(o.Process, spec.Concurrency, 3)).Distinct().Count());
        var json = JObject.Parse(File.ReadAllText(outcome.Folder.Results));
        Assert.Equal("etcd", (string?)json["db"]);
        Assert.True(File.Exists(Path.Combine(outcome.Folder.NodeLogs, "n1", "etcd.log")));
        Assert.Empty(ProcessesOf(outcome.Folder.RunId));
    }

    [Fact]
    public async Task A_candidate_release_tarball_is_installed_on_each_node_and_its_version_is_in_the_results()
    {
        // A release in etcd's layout (etcd-vX-linux-amd64/etcd), made from Debian's binary.
        var release = Directory.CreateDirectory(Path.Combine(results, "etcd-v3.4.23-linux-amd64")).FullName;
        File.Copy("/usr/bin/etcd", Path.Combine(release, "etcd"));
        var tarball = Path.Combine(results, "etcd-v3.4.23-linux-amd64.tar.gz");
        Assert.Equal(0, (await Checker.Runner.Nodes.HostCommands.RunAsync(["tar", "-czf", tarball, "-C", results, "etcd-v3.4.23-linux-amd64"])).ExitCode);

        var spec = Spec(("time-limit", "3"), ("nemesis.faults", ""), ("db.install", tarball), ("recovery.final-reads", "0"));
        var outcome = await TestRunner.RunAsync(spec, new RunOptions(results, 4), CancellationToken.None);
        Checker.Runner.Tests.Support.RunAssert.Valid(outcome);
        var json = JObject.Parse(File.ReadAllText(outcome.Folder.Results));
        foreach (var n in new[] { "n1", "n2", "n3" })
            Assert.Equal("3.4.23", (string?)json["versions"]?[n]); // what each running server reports
        Assert.Contains($"etcd: {tarball}", File.ReadAllText(outcome.Folder.Log)); // every node ran the candidate, none Debian's
        Assert.Empty(ProcessesOf(outcome.Folder.RunId));
    }

    /// <summary>Members whose command line carries the run's cluster token (checker-RUNID).</summary>
    static List<int> ProcessesOf(string runId)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains($"checker-{runId}")) found.Add(int.Parse(Path.GetFileName(dir)));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    public void Dispose()
    {
        try { Directory.Delete(results, recursive: true); } catch (IOException) { }
    }
}
