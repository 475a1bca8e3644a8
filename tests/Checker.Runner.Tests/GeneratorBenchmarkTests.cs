using Checker.Runner.Running;
using Xunit.Abstractions;

namespace Checker.Runner.Tests;

public class GeneratorBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_generator_benchmark_drives_ops_and_prints_its_rate()
    {
        var (opsPerSecond, ops) = await GeneratorBenchmark.RunAsync(8, TimeSpan.FromSeconds(1));
        output.WriteLine($"generator + recorder, in-memory: {opsPerSecond:N0} ops/s ({ops:N0} ops)");
        Assert.True(ops > 0);
    }
}
