namespace Checker.Databases.Etcd.Tests;

/// <summary>A live etcd member shows its goroutines without stopping, and the dump is kept with its logs.</summary>
[Trait("Tier", "Slow")]
public sealed class EtcdGoroutineDumpTests
{
    [Fact]
    public async Task A_members_goroutines_are_dumped_while_it_serves_and_kept_beside_its_log()
    {
        await using var cluster = await LocalEtcdCluster.StartAsync(members: 1);
        var dir = Directory.CreateTempSubdirectory("checker-etcd-dumps-").FullName;
        try
        {
            Assert.Equal(["n1"], await cluster.Db.DumpThreadsAsync(CancellationToken.None));
            Assert.Equal(["n1"], await cluster.Db.DumpThreadsAsync(CancellationToken.None));
            Assert.NotNull(await cluster.Db.FindPrimaryAsync(CancellationToken.None)); // it served on through both dumps
            await cluster.Db.CollectLogsAsync(dir, CancellationToken.None);
            var first = File.ReadAllText(Path.Combine(dir, "n1", "threads-1.txt"));
            Assert.Contains("goroutine ", first);
            Assert.Contains("go.etcd.io/etcd", first); // etcd's own stacks, not an error page
            Assert.True(File.Exists(Path.Combine(dir, "n1", "threads-2.txt")));
            Assert.True(File.Exists(Path.Combine(dir, "n1", Databases.Etcd.EtcdDb.LogName)));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
