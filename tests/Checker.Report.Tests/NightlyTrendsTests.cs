using System.Globalization;
using Checker.Core.Checks;
using Checker.Report.Data;
using Checker.Report.Pages;

namespace Checker.Report.Tests;

/// <summary>The runs index folds each test's runs into nights and finds the night it went invalid.</summary>
public sealed class NightlyTrendsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("checker-nights-").FullName;

    void Run(string test, DateTime started, string verdict, double okPerSecond, double p99, double outage)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, test, started.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(dir, "results.json"), """
            {"test": "@TEST", "verdict": "@VERDICT", "checks": {
              "stats": {"verdict": "valid", "summary": "", "details": {"seconds": 60, "all": {"f": "all", "ok": 10, "fail": 0, "info": 0, "okPerSecond": @OKPERSECOND, "latencyP99Ms": @P99}, "byF": []}},
              "recovery": {"verdict": "valid", "summary": "", "details": {"heals": [], "longestOutage": {"from": 1, "to": @TO, "faults": ["kill"], "seconds": @OUTAGE}}}}}
            """.Replace("@TEST", test).Replace("@VERDICT", verdict).Replace("@OKPERSECOND", N(okPerSecond)).Replace("@P99", N(p99)).Replace("@OUTAGE", N(outage)).Replace("@TO", N(1 + outage)));
    }

    static string N(double v) => v.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Nights_fold_their_runs_and_the_night_a_test_went_invalid_is_found()
    {
        var night = new DateTime(2026, 11, 20, 2, 0, 0);
        Run("zk", night, "valid", 100, 10, 1);
        Run("zk", night.AddDays(1), "valid", 110, 12, 2);
        Run("zk", night.AddDays(2), "valid", 90, 20, 3);
        Run("zk", night.AddDays(2).AddHours(1), "invalid", 70, 40, 9); // one invalid run makes an invalid night
        Run("zk", night.AddDays(3), "invalid", 80, 30, 4);
        Run("etcd", night.AddDays(3), "valid", 500, 5, 0.5);

        var trends = NightlyTrends.Of(root, RunsIndex.Scan(root));
        var zk = trends.Single(t => t.Test == "zk");
        Assert.Equal(4, zk.Nights.Count);
        Assert.Equal([Verdict.Valid, Verdict.Valid, Verdict.Invalid, Verdict.Invalid], zk.Nights.Select(n => n.Verdict!.Value));
        Assert.Equal(night.AddDays(2).Date, zk.FirstInvalidNight!.Night); // not the later invalid night: it went invalid the night before
        var third = zk.Nights[2];
        Assert.Equal((2, 80.0, 9.0), (third.Runs, third.OkPerSecond!.Value, third.LongestOutageSeconds!.Value));
        Assert.Null(trends.Single(t => t.Test == "etcd").FirstInvalidNight);

        var html = new StringWriter();
        NightlyTrendsSection.Write(html, trends);
        Assert.Contains("2026-11-22", html.ToString());
        Assert.Contains("never", html.ToString()); // etcd
        Assert.Contains("went invalid", html.ToString());

        RunsIndex.Write(root);
        var index = File.ReadAllText(Path.Combine(root, RunsIndex.FileName));
        Assert.Contains("id=\"nights\"", index);
        Assert.Contains("zk/20261122T030000/index.html\">2026-11-22</a>", index); // the night it went invalid, linked to that night's newest run
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
