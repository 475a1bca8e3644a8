using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Core.Tests.Linearizability;

/// <summary>Every history of the Porcupine corpus gets its known verdict.</summary>
public class CorpusTests
{
    public static TheoryData<string> Rows()
    {
        var data = new TheoryData<string>();
        foreach (var row in Corpus.Rows) data.Add($"{row.File}|{row.Model}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Gets_the_expected_verdict(string id)
    {
        var row = Corpus.Rows.Single(r => $"{r.File}|{r.Model}" == id);
        var history = HistoryFile.Load(row.Path);
        var (model, split) = row.Model switch
        {
            "etcd-register" => (ModelCatalog.Create("cas-register"), true),
            "kv-partitioned" => (ModelCatalog.Create("kv"), true),
            "kv-nopartition" => (ModelCatalog.Create("kv"), false),
            _ => throw new InvalidOperationException($"unknown model {row.Model}"),
        };
        var result = new LinearizabilityChecker(model, new LinearizabilityOptions { SplitByKey = split, Timeout = TimeSpan.FromSeconds(60) }).Check(history);
        var report = (LinearizabilityReport)result.Details!;
        Assert.Equal(row.ExpectedOk ? Verdict.Valid : Verdict.Invalid, result.Verdict);
        Assert.Equal(row.Ops, report.Operations + FailedOps(history));
        if (!row.ExpectedOk)
        {
            Assert.NotNull(report.Failure);
            Assert.NotEmpty(report.Failure!.Minimal);
        }
    }

    static int FailedOps(List<Core.History.Op> history) =>
        history.Count(o => o.Type == Core.History.OpType.Fail);
}
