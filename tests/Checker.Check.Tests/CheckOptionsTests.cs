using Checker.Check;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.Workloads;

namespace Checker.Check.Tests;

/// <summary>`check`'s arguments read into CheckOptions, without running anything.</summary>
public class CheckOptionsTests
{
    static CheckOptions Parse(params string[] argv) => CheckOptions.Parse(new Args(argv, CheckOptions.Flags));

    [Fact]
    public void Without_options_every_default_holds()
    {
        var o = Parse("h.jsonl");
        Assert.Equal(("h.jsonl", HistoryFormat.Auto, false), (o.Path, o.Format, o.FormatGiven));
        Assert.Equal((null, null, null), (o.ModelName, o.Workload, o.Initial));
        Assert.Equal((true, false, false, null), (o.Split, o.Json, o.NilReadsUnknown, o.ReportDir));
        Assert.Equal(TimeSpan.FromSeconds(5), o.Search(1L << 30).ShrinkTime);
        Assert.Null(o.Search(1L << 30).Timeout);
        Assert.Equal(RecoveryOptions.Default, o.Recovery);
    }

    [Fact]
    public void Flags_and_values_are_read()
    {
        var o = Parse("h.edn", "--json", "--no-split", "--format", "edn", "--model", "register", "--initial", "3",
            "--timeout", "Infinity", "--memory", "64", "--shrink", "0", "--report", "out", "--stall", "2");
        Assert.Equal((HistoryFormat.Edn, true, "register", 3L), (o.Format, o.FormatGiven, o.ModelName, o.Initial));
        Assert.Equal((false, true, "out"), (o.Split, o.Json, o.ReportDir));
        var search = o.Search(o.ProcessBytes);
        Assert.Null(search.Timeout); // a limit past any run is none
        Assert.Equal(64L << 20, o.ProcessBytes);
        Assert.Equal(32L << 20, search.MemoryBudgetBytes);
        Assert.Equal(TimeSpan.Zero, search.ShrinkTime);
        Assert.Equal(TimeSpan.FromSeconds(2), o.Recovery.Stall);
    }

    [Fact]
    public void The_bank_workload_takes_its_rules()
    {
        var o = Parse("h.jsonl", "--workload", "bank", "--bank-total", "100", "--bank-accounts", "5");
        Assert.Same(BuiltInWorkloads.Bank, o.Workload);
        Assert.Equal(new BankOptions(100, false, 5), o.Bank);
    }

    [Theory]
    [InlineData("check needs a history file")]
    [InlineData("--model: unknown model 'regsiter'", "h", "--model", "regsiter")]
    [InlineData("--format: unknown format 'yaml'", "h", "--format", "yaml")]
    [InlineData("--workload: unknown workload 'sets'", "h", "--workload", "sets")]
    [InlineData("--model and --workload: give one", "h", "--workload", "set", "--model", "set")]
    [InlineData("go with --workload bank", "h", "--bank-total", "3")]
    [InlineData("--memory needs a positive number of megabytes, not '0'", "h", "--memory", "0")]
    public void A_mistake_is_a_usage_error_that_names_it(string message, params string[] argv) =>
        Assert.Contains(message, Assert.Throws<UsageException>(() => Parse(argv)).Message);
}
