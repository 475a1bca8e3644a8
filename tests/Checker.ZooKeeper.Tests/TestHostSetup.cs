using System.Runtime.CompilerServices;

namespace Checker.ZooKeeper.Tests;

internal static class TestHostSetup
{
    // On a 2-core machine the thread pool starts with 2 workers and the test host blocks some of
    // them; new ones are injected only every ~0.5 s, which showed up as 0.5-0.7 s stalls of every
    // timer and socket completion (measured with Task.Delay(10)). Timeouts in these tests are
    // short on purpose, so start with enough workers.
    [ModuleInitializer]
    internal static void RaiseMinThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
