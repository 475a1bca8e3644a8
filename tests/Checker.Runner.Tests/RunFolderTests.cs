using Checker.Runner.Running;

namespace Checker.Runner.Tests;

public sealed class RunFolderTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("checker-run-folders-").FullName;

    [Fact]
    public void Runs_of_one_test_started_at_once_into_different_results_folders_get_different_ids()
    {
        // The id names a run's nodes, their folder, bridge and namespaces: two runs sharing one would meet there.
        var ids = Enumerable
            .Range(0, 3)
            .Select(i => RunFolder.Create(Path.Combine(root, $"results-{i}"), "zookeeper-register").RunId)
            .ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.StartsWith("zookeeper-register-", id));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
