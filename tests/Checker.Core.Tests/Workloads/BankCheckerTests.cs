using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Tests.Support;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

public class BankCheckerTests
{
    static Dictionary<object, object?> Balances(params long[] b) =>
        b.Select((v, i) => (Key: (object)i.ToString(), Value: (object?)v)).ToDictionary(x => x.Key, x => x.Value, Values.Comparer!);

    static Dictionary<object, object?> Move(long from, long to, long amount) =>
        new(Values.Comparer!) { ["from"] = from, ["to"] = to, ["amount"] = amount };

    static (CheckResult Result, BankReport Report) Check(Recorder h, BankOptions options)
    {
        var r = new BankChecker(options, "test").Check(h.Ops);
        return (r, (BankReport)r.Details!);
    }

    [Fact]
    public void Reads_that_add_up_are_valid()
    {
        var h = new Recorder()
            .Call(0, "transfer", Move(0, 1, 5), OpType.Ok)
            .Call(1, "read", null, OpType.Ok, Balances(5, 15, 10))
            .Call(0, "transfer", Move(1, 2, 50), OpType.Fail)
            .Call(0, "transfer", Move(2, 0, 3), OpType.Info)
            .Call(1, "read", null, OpType.Ok, Balances(8, 15, 7));
        var (r, report) = Check(h, new BankOptions(30));
        Assert.Equal(Verdict.Valid, r.Verdict);
        Assert.Equal((2, 3, 0, 30L, 30L), (report.Reads, report.Accounts, report.BadReads, report.MinTotal!.Value, report.MaxTotal!.Value));
    }

    [Fact]
    public void A_wrong_total_is_invalid_and_the_read_is_named()
    {
        var h = new Recorder()
            .Call(1, "read", null, OpType.Ok, Balances(10, 10, 10))
            .Call(2, "read", null, OpType.Ok, Balances(5, 10, 10)); // a transfer's credit half lost
        var (r, report) = Check(h, new BankOptions(30));
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var bad = Assert.Single(report.FirstBadReads);
        Assert.Equal((3L, 2L, 25L, 2), (bad.Index, bad.InvokeIndex, bad.Total, bad.Process));
        Assert.Equal(["wrong-total"], bad.Kinds);
        Assert.Equal(5, bad.Balances["0"]);
        Assert.Contains("1 bad reads (1 wrong-total)", r.Summary);
        Assert.Contains("read op 3 (process 2, 0.003 s): total 25", r.Summary);
    }

    [Fact]
    public void A_negative_balance_is_invalid_unless_allowed()
    {
        var h = new Recorder().Call(1, "read", null, OpType.Ok, Balances(-5, 20, 15));
        var (r, report) = Check(h, new BankOptions(30));
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal([0L], Assert.Single(report.FirstBadReads).Negative);
        Assert.Contains("negative account 0 = -5", r.Summary);
        Assert.Equal(Verdict.Valid, Check(h, new BankOptions(30, AllowNegative: true)).Result.Verdict);
    }

    [Fact]
    public void A_read_without_an_account_is_missing_it_whether_the_accounts_are_given_or_named_elsewhere()
    {
        var h = new Recorder()
            .Call(0, "transfer", Move(0, 2, 1), OpType.Ok)
            .Call(1, "read", null, OpType.Ok, new Dictionary<object, object?>(Values.Comparer!) { ["0"] = 15L, ["1"] = 15L });
        var (r, report) = Check(h, new BankOptions(30));
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var bad = Assert.Single(report.FirstBadReads);
        Assert.Equal(["missing-account"], bad.Kinds); // the total is right: only the account is missing
        Assert.Equal([2L], bad.Missing);
        Assert.Contains("missing account 2", r.Summary);

        var given = new Recorder().Call(1, "read", null, OpType.Ok, Balances(10, 20));
        var (r2, report2) = Check(given, new BankOptions(30, Accounts: 3));
        Assert.Equal(Verdict.Invalid, r2.Verdict);
        Assert.Equal(1, report2.MissingAccount);
        var extra = new Recorder().Call(1, "read", null, OpType.Ok, Balances(10, 10, 10, 0));
        Assert.Equal(["unexpected-account"], Check(extra, new BankOptions(30, Accounts: 3)).Report.FirstBadReads.Single().Kinds);
    }

    [Fact]
    public void A_nil_balance_is_an_error_even_for_an_account_no_other_op_names()
    {
        var h = new Recorder()
            .Call(0, "transfer", Move(0, 1, 1), OpType.Ok)
            .Call(1, "read", null, OpType.Ok, new Dictionary<object, object?>(Values.Comparer!) { ["0"] = 15L, ["1"] = 15L, ["2"] = null });
        var (r, report) = Check(h, new BankOptions(30));
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var bad = Assert.Single(report.FirstBadReads);
        Assert.Equal(["nil-balance"], bad.Kinds);
        Assert.Equal([2L], bad.Nil);
        Assert.Equal(1, report.NilBalance);
        Assert.Contains("nil balance of account 2", r.Summary);
        Assert.Equal(["nil-balance"], Check(h, new BankOptions(30, Accounts: 3)).Report.FirstBadReads.Single().Kinds);
    }

    [Theory]
    [InlineData("""{"index":0,"time":0,"process":0,"type":"invoke","f":"read","value":null}""" + "\n" + """{"index":1,"time":1,"process":0,"type":"ok","f":"read","value":{"0":10,"1":-1,"2":11}}""")]
    [InlineData("{:index 0 :time 0 :process 0 :type :invoke :f :read :value nil}\n{:index 1 :time 1 :process 0 :type :ok :f :read :value {0 10 1 -1 2 11}}")]
    [InlineData("{:index 0 :time 0 :process 0 :type :invoke :f :read :value nil}\n{:index 1 :time 1 :process 0 :type :ok :f :read :value {:0 10 :1 -1 :2 11}}")]
    [InlineData("{:index 0 :time 0 :process 0 :type :invoke :f :read :value nil}\n{:index 1 :time 1 :process 0 :type :ok :f :read :value {\"0\" 10 \"1\" -1 \"2\" 11}}")]
    public void Account_keys_as_json_strings_edn_longs_keywords_or_strings_are_the_same_accounts(string history)
    {
        var ops = HistoryFile.Read(new StringReader(history), "h").ToList();
        var r = new BankChecker(new BankOptions(20, Accounts: 3)).Check(ops);
        Assert.Equal(Verdict.Invalid, r.Verdict);
        var bad = ((BankReport)r.Details!).FirstBadReads.Single();
        Assert.Equal(["negative"], bad.Kinds); // the total is right and no account is missing or unexpected
        Assert.Equal([1L], bad.Negative);
    }

    [Fact]
    public void Edn_transfers_name_their_accounts_with_keywords()
    {
        const string edn = """
            {:index 0 :time 0 :process 0 :type :invoke :f :transfer :value {:from 0 :to 3 :amount 2}}
            {:index 1 :time 1 :process 0 :type :fail :f :transfer :value {:from 0 :to 3 :amount 2}}
            {:index 2 :time 2 :process 1 :type :invoke :f :read :value nil}
            {:index 3 :time 3 :process 1 :type :ok :f :read :value {0 10 1 10}}
            """;
        var r = new BankChecker(new BankOptions(20)).Check(HistoryFile.Read(new StringReader(edn), "h").ToList());
        Assert.Equal(Verdict.Invalid, r.Verdict);
        Assert.Equal([3L], ((BankReport)r.Details!).FirstBadReads.Single().Missing); // account 3 exists: a transfer names it
    }

    [Fact]
    public void Balances_never_read_are_unknown()
    {
        var h = new Recorder().Call(0, "transfer", Move(0, 1, 1), OpType.Ok).Call(1, "read", null, OpType.Info);
        var r = new BankChecker(new BankOptions(30)).Check(h.Ops);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Contains("never read", r.Summary);
    }

    [Fact]
    public void The_total_is_never_guessed_and_bad_values_name_the_line()
    {
        Assert.Contains("total",
            Assert.Throws<ArgumentException>(() => BuiltInWorkloads.Bank.CreateChecker(new())).Message);
        var h = new Recorder().Call(1, "read", null, OpType.Ok, new Dictionary<object, object?>(Values.Comparer!) { ["0"] = "ten" });
        var e = Assert.Throws<HistoryFormatException>(() => new BankChecker(new BankOptions(10), "b.jsonl").Check(h.Ops));
        Assert.Contains("b.jsonl:2", e.Message);
        var key = new Recorder().Call(1, "read", null, OpType.Ok, new Dictionary<object, object?>(Values.Comparer!) { ["alice"] = 10L });
        Assert.Contains("a bank account must be an integer", Assert.Throws<HistoryFormatException>(() => new BankChecker(new BankOptions(10)).Check(key.Ops)).Message);
    }
}
