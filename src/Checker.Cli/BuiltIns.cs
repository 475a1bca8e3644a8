using System.Runtime.CompilerServices;
using Checker.Databases.Etcd;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Databases;

namespace Checker.Cli;

/// <summary>
/// The database suites the checker command knows, one line each; the lifecycle names none. Registered when the
/// command's assembly is first used, before any spec is read.
/// </summary>
static class BuiltIns
{
    [ModuleInitializer]
    internal static void Register()
    {
        DatabaseSuites.Register(new ZooKeeperSuite());
        DatabaseSuites.Register(new EtcdSuite());
    }
}
