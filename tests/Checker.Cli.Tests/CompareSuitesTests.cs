namespace Checker.Cli.Tests;

/// <summary>checker compare on two results folders pairs each test's newest runs.</summary>
public sealed class CompareSuitesTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("checker-compare-suites-").FullName;

    string Run(string results, string test, string stamp, string verdict, double okPerSecond)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, results, test, stamp)).FullName;
        File.WriteAllText(Path.Combine(dir, "results.json"), """
            {"test": "@T", "verdict": "@V", "checks": {"stats": {"verdict": "valid", "summary": "", "details": {"seconds": 10,
             "all": {"f": "all", "ok": 10, "fail": 0, "info": 0, "pending": 0, "okPerSecond": @R, "latencyP50Ms": 1, "latencyP95Ms": 2, "latencyP99Ms": 3, "latencyMaxMs": 4}, "byF": []}}}}
            """.Replace("@T", test).Replace("@V", verdict).Replace("@R", okPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return dir;
    }

    [Fact]
    public void Each_test_in_both_is_compared_newest_against_newest()
    {
        Run("a", "zk", "20261120T020000", "valid", 10);
        var newestA = Run("a", "zk", "20261121T020000", "valid", 20);
        Run("a", "etcd", "20261121T020000", "valid", 30);
        var newestB = Run("b", "zk", "20261122T020000", "invalid", 40);
        var outDir = Path.Combine(root, "out");

        var text = Commands.CompareCommand.WriteSuites(Path.Combine(root, "a"), Path.Combine(root, "b"), outDir);

        Assert.Contains($"A: {newestA}", text);
        Assert.Contains($"B: {newestB}", text);
        Assert.Contains("etcd: only in", text);
        var page = File.ReadAllText(Path.Combine(outDir, "zk", "compare.html"));
        Assert.Contains("<pre>20.0</pre>", page); // ok/s of A's newest run, not its older one
        Assert.Contains("<pre>40.0</pre>", page);
        Assert.Throws<Report.ReportInputException>(() => Commands.CompareCommand.WriteSuites(Path.Combine(root, "a"), outDir, outDir));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
