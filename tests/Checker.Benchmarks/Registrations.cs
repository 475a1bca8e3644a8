using System.Runtime.CompilerServices;
using Checker.Databases.Etcd;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Databases;

namespace Checker.Benchmarks;

/// <summary>The suites the benchmarks run, registered as the checker command registers them.</summary>
static class Registrations
{
    [ModuleInitializer]
    internal static void Register()
    {
        DatabaseSuites.Register(new ZooKeeperSuite());
        DatabaseSuites.Register(new EtcdSuite());
    }
}
