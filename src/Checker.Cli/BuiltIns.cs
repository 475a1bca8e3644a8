using System.Runtime.CompilerServices;
using Checker.Databases.Etcd;
using Checker.Databases.ZooKeeper;
using Checker.Nodes;
using Checker.Nodes.Docker;
using Checker.Nodes.Ssh;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Cli;

/// <summary>
/// The database suites and node providers the checker command knows, one line each; the lifecycle names none.
/// Registered when the command's assembly is first used, before any spec is read.
/// </summary>
static class BuiltIns
{
    [ModuleInitializer]
    internal static void Register()
    {
        DatabaseSuites.Register(new ZooKeeperSuite());
        DatabaseSuites.Register(new EtcdSuite());
        NodeProviders.Register(new LocalNodeKind());
        NodeProviders.Register(new SshNodeKind());
        NodeProviders.Register(new DockerNodeKind());
    }
}
