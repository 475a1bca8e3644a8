using System.Runtime.CompilerServices;
using Checker.Databases.Etcd;
using Checker.Databases.ZooKeeper;
using Checker.Nodes.Docker;
using Checker.Nodes.Ssh;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Nodes.Tests;

/// <summary>What these tests run, registered as the checker command registers it.</summary>
static class Registrations
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
