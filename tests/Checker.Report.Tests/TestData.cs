using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Tests;

namespace Checker.Report.Tests;

/// <summary>Histories the tests draw: Porcupine's corpus (../shared/corpora/porcupine) and ones made here.</summary>
public static class TestData
{
    public static string CorpusRoot => Checker.Tests.RepositoryPaths.Corpus;

    /// <summary>etcd_000.log: a Jepsen etcd register history without times that is not linearizable.</summary>
    public static List<Op> Etcd000() => HistoryFile.Load(Path.Combine(CorpusRoot, "jepsen", "etcd_000.log"));

    public static List<Op> KvBad() => HistoryFile.Load(Path.Combine(CorpusRoot, "kv", "c10-bad.txt"));

    public static CheckResult CheckRegister(IReadOnlyList<Op> history) =>
        new LinearizabilityChecker(ModelCatalog.Create("cas-register", null), new LinearizabilityOptions { ShrinkTime = TimeSpan.FromSeconds(2) }).Check(history);

    /// <summary>A timed register history with a partition (30–50 % of the run) and a kill (70–80 %).</summary>
    public static List<Op> Made(int operations, double? staleReadAt = null) => SyntheticHistory.Generate(operations, staleReadAt: staleReadAt);

    /// <summary>Where the tests write their reports; removed when the test run ends unless CHECKER_KEEP_TEST_OUTPUT=1.</summary>
    static readonly string OutputRoot = CreateOutputRoot();

    static string CreateOutputRoot()
    {
        // A test host that was stopped rather than left to exit never removed its folder: those of dead processes go now.
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "checker-report-tests-*"))
            if (int.TryParse(Path.GetFileName(stale)["checker-report-tests-".Length..], out var pid) && !Directory.Exists($"/proc/{pid}"))
                try { Directory.Delete(stale, recursive: true); }
                catch (IOException) { }
        var root = Path.Combine(Path.GetTempPath(), $"checker-report-tests-{Environment.ProcessId}");
        if (Environment.GetEnvironmentVariable("CHECKER_KEEP_TEST_OUTPUT") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(root, recursive: true); }
                catch (IOException) { }
            };
        return root;
    }

    public static string TempDir(string name)
    {
        var dir = Path.Combine(OutputRoot, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
