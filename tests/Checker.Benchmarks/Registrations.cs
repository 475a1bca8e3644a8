using System.Runtime.CompilerServices;
using Checker.Cli;

namespace Checker.Benchmarks;

/// <summary>The suites and node providers the benchmarks run: the checker command's own registration.</summary>
static class Registrations
{
    [ModuleInitializer]
    internal static void Register() => BuiltIns.Register();
}
