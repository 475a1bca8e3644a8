using System.Runtime.CompilerServices;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Databases;

namespace Checker.Runner.Tests;

/// <summary>What these tests run, registered as the checker command registers it.</summary>
static class Registrations
{
    [ModuleInitializer]
    internal static void Register() => DatabaseSuites.Register(new ZooKeeperSuite());
}
