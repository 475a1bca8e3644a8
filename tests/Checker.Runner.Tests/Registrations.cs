using System.Runtime.CompilerServices;
using Checker.Databases.ZooKeeper;
using Checker.Nodes;
using Checker.Nodes.Docker;
using Checker.Nodes.Ssh;
using Checker.Runner.Databases;
using Checker.Runner.Nodes;

namespace Checker.Runner.Tests;

/// <summary>
/// What these tests' specs name, registered as the checker command registers it: the node providers, and the
/// default spec's database (whose suite a whole-run test replaces with its own).
/// </summary>
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
