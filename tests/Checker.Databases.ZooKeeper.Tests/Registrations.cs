using System.Runtime.CompilerServices;
using Checker.Nodes;
using Checker.Nodes.Docker;
using Checker.Nodes.Ssh;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Databases.ZooKeeper.Tests;

/// <summary>What these tests run, registered as the checker command registers it.</summary>
static class Registrations
{
    [ModuleInitializer]
    internal static void Register()
    {
        DatabaseSuites.Register(new ZooKeeperSuite());
        NodeProviders.Register(new LocalNodeKind());
        NodeProviders.Register(new SshNodeKind());
        NodeProviders.Register(new DockerNodeKind());
    }
}
