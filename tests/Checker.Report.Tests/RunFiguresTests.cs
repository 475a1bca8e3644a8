using Checker.Core.Checks;
using Checker.Report.Compare;

namespace Checker.Report.Tests;

public sealed class RunFiguresTests
{
    [Fact]
    public void A_check_that_could_not_judge_is_no_anomaly_but_one_that_judged_wrong_or_could_not_decide_is()
    {
        var dir = Directory.CreateTempSubdirectory("checker-figures-").FullName;
        try
        {
            var checks = new List<CheckResult>
            {
                new("linearizable", Verdict.Valid, "linearizable"),
                new("availability", Verdict.NotJudged, "not judged: no fault window left a connected majority"),
                new("recovery", Verdict.Invalid, "not recovered: n2 served no ok operation"),
                new("set", Verdict.Unknown, "unknown: memory"),
            };
            var results = new Dictionary<string, object?> { ["test"] = "register", ["verdict"] = Verdict.Invalid, ["checks"] = ResultsJson.Checks(checks) };
            File.WriteAllText(Path.Combine(dir, "results.json"), ResultsJson.Serialize(results));
            var figures = RunFigures.Read(dir);
            Assert.Equal(["recovery: invalid: not recovered: n2 served no ok operation", "set: unknown: unknown: memory"], figures.Anomalies);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
