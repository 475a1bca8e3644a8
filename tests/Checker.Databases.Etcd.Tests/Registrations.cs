using System.Runtime.CompilerServices;
using Checker.Runner.Databases;

namespace Checker.Databases.Etcd.Tests;

/// <summary>What these tests run, registered as the checker command registers it.</summary>
static class Registrations
{
    [ModuleInitializer]
    internal static void Register() => DatabaseSuites.Register(new EtcdSuite());
}
