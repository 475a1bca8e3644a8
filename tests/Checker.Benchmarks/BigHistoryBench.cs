namespace Checker.Benchmarks;

public static class BigHistoryBench
{
    public static void Run() => Console.WriteLine("big: not built yet");
}
