using Checker.Runner.Databases.Etcd;
using Checker.Runner.Databases.ZooKeeper;

namespace Checker.Runner.Databases;

/// <summary>The databases Checker can test, by the spec's db.name.</summary>
public static class DatabaseSuites
{
    public static readonly IReadOnlyList<IDatabaseSuite> All = [new ZooKeeperSuite(), new EtcdSuite()];

    public static IDatabaseSuite? Find(string? name) => All.FirstOrDefault(s => s.Name == name);

    public static IEnumerable<string> Names => All.Select(s => s.Name);
}
