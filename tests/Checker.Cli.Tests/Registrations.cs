using System.Runtime.CompilerServices;

namespace Checker.Cli.Tests;

/// <summary>The checker command's suites, registered before a test reads a spec without the command.</summary>
static class Registrations
{
    [ModuleInitializer]
    internal static void Register() => BuiltIns.Register();
}
