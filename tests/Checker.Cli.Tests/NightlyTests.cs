using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Checker.Report.Tests;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Running;
using Newtonsoft.Json.Linq;

namespace Checker.Cli.Tests;

/// <summary>
/// One real suite run shared by the tests below: a candidate ZooKeeper build (Debian's jars in Apache's
/// release layout, its version string changed) with the correct client, and the stock build with a
/// deliberately faulty client (stale reads). The suite must report both, exit 1, write JUnit XML, and
/// record the candidate's version as the servers report it; `checker compare` then sets the two side by side.
/// </summary>
public sealed class NightlySuite : IDisposable
{
    public const string CandidateQualifier = "candidate16";
    public string Work { get; } = Directory.CreateTempSubdirectory("checker-nightly-").FullName;
    public string Results => Path.Combine(Work, "results");
    public string JUnit => Path.Combine(Work, "junit.xml");
    public int ExitCode { get; }
    public string Stdout { get; }
    public string Stderr { get; }

    public NightlySuite()
    {
        var candidate = BuildCandidate();
        var faults = """ "nemesis.faults": ["partition-isolate-one"], "nemesis.initial-delay": 1, "nemesis.interval": 2, "nemesis.duration": 1 """;
        var spec = Checker.Tests.RepositoryPaths.DefaultSpec.Replace("\\", "/");
        var etcd = Path.Combine(Checker.Tests.RepositoryPaths.Workloads, "etcd-register.json");
        File.WriteAllText(Path.Combine(Work, "suite.json"), $$"""
            [
              { "spec": "{{spec}}", "overrides": { "db.install": "{{candidate}}", "time-limit": 6, {{faults}} } },
              { "spec": "{{spec}}", "overrides": { "client.mode": "stale-reads", "time-limit": 5, {{faults}} } },
              { "spec": "{{etcd}}", "overrides": { "time-limit": 3, {{faults}} } }
            ]
            """);
        (ExitCode, Stdout, Stderr) = RunChecker(["run", Path.Combine(Work, "suite.json"), "--results", Results, "--junit", JUnit, "--runs-dir", Path.Combine(Work, "runs")]);
    }

    /// <summary>apache-zookeeper-3.8.0-candidate16-bin.tar.gz: Debian's jars, the version's qualifier recompiled.</summary>
    string BuildCandidate()
    {
        var release = Directory.CreateDirectory(Path.Combine(Work, "build", $"apache-zookeeper-3.8.0-{CandidateQualifier}-bin")).FullName;
        Directory.CreateDirectory(Path.Combine(release, "bin"));
        Directory.CreateDirectory(Path.Combine(release, "conf"));
        var lib = Directory.CreateDirectory(Path.Combine(release, "lib")).FullName;
        foreach (var jar in ZooKeeperInstall.RequiredJars)
            File.Copy(Path.Combine(ZooKeeperInstall.DebianJars, jar), Path.Combine(lib, jar.Replace("zookeeper.jar", $"zookeeper-3.8.0-{CandidateQualifier}.jar")));
        // Version reads QUALIFIER at run time (the other Info fields are compile-time constants, inlined).
        var src = Directory.CreateDirectory(Path.Combine(Work, "build", "src")).FullName;
        File.WriteAllText(Path.Combine(src, "Info.java"), $$"""
            package org.apache.zookeeper.version;
            public interface Info {
                int MAJOR = 3; int MINOR = 8; int MICRO = 0;
                String QUALIFIER = String.valueOf("{{CandidateQualifier}}");
                int REVISION = -1;
                String REVISION_HASH = "0000000";
                String BUILD_DATE = "2026-11-26 00:00 UTC";
            }
            """);
        var classes = Path.Combine(Work, "build", "classes");
        Must("javac", "-d", classes, Path.Combine(src, "Info.java"));
        Must("jar", "uf", Path.Combine(lib, $"zookeeper-3.8.0-{CandidateQualifier}.jar"), "-C", classes, "org/apache/zookeeper/version/Info.class");
        var tarball = Path.Combine(Work, $"apache-zookeeper-3.8.0-{CandidateQualifier}-bin.tar.gz");
        Must("tar", "-czf", tarball, "-C", Path.GetDirectoryName(release)!, Path.GetFileName(release));
        return tarball;
    }

    static void Must(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} failed: {err.Result}");
    }

    /// <summary>Runs the checker as a separate process, as CI would; its stdout and stderr are returned.</summary>
    public static (int Exit, string Out, string Err) RunChecker(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checker.Tests.RepositoryPaths.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "checker.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"checker {string.Join(' ', args)} did not finish: {stderr.Result}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        Cleaner.CleanAsync(Path.Combine(Work, "runs"), force: true).GetAwaiter().GetResult();
        try { Directory.Delete(Work, recursive: true); } catch (IOException) { }
    }
}

[Trait("Tier", "Slow")]
public sealed class NightlyTests(NightlySuite suite) : IClassFixture<NightlySuite>
{
    string Runs(string verdict) => Directory.GetDirectories(Path.Combine(suite.Results, "zookeeper-register"))
        .Where(d => new DirectoryInfo(d).LinkTarget is null)
        .Single(d => (string?)JObject.Parse(File.ReadAllText(Path.Combine(d, "results.json")))["verdict"] == verdict);

    [Fact]
    public void A_suite_with_an_invalid_member_runs_both_exits_1_and_prints_one_summary()
    {
        Assert.True(suite.ExitCode == 1, $"exit {suite.ExitCode}\n{suite.Stdout}\n{suite.Stderr}");
        var lines = suite.Stdout.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("test ") && l.Contains("verdict") && l.Contains("ok/s") && l.Contains("longest outage"));
        Assert.True(header >= 0, suite.Stdout);
        var rows = lines.Skip(header + 1).Take(3).ToList();
        Assert.Contains(rows, r => r.Contains("db.install=") && Regex.IsMatch(r, @"\svalid\s"));
        Assert.Contains(rows, r => r.Contains("client.mode=stale-reads") && Regex.IsMatch(r, @"\sinvalid\s"));
        Assert.All(rows.Take(2), r => Assert.Contains(Path.Combine(suite.Results, "zookeeper-register"), r));
        Assert.Contains(rows, r => r.StartsWith("etcd-register ") && r.Contains(Path.Combine(suite.Results, "etcd-register")));
    }

    [Fact]
    public void The_junit_file_has_one_testcase_per_run_and_the_failure_explains_the_anomaly()
    {
        var doc = XDocument.Load(suite.JUnit);
        var ts = doc.Root!.Element("testsuite")!;
        Assert.Equal("3", (string?)ts.Attribute("tests"));
        Assert.Equal("1", (string?)ts.Attribute("failures"));
        Assert.Equal("0", (string?)ts.Attribute("errors"));
        var cases = ts.Elements("testcase").ToList();
        Assert.Equal(3, cases.Count);
        var failed = Assert.Single(cases, c => c.Element("failure") is not null);
        Assert.Contains("stale-reads", (string?)failed.Attribute("name"));
        var text = failed.Element("failure")!.Value;
        Assert.Contains("linearizable: invalid", text);
        Assert.Contains("counterexample", text);
        foreach (var c in cases)
        {
            var folder = Regex.Match(c.Element("system-out")!.Value, @"run folder: (\S+)").Groups[1].Value;
            Assert.True(Directory.Exists(new Uri(folder).LocalPath), folder);
        }
    }

    [Fact]
    public void The_candidate_build_version_each_server_reports_is_in_results_json()
    {
        var results = JObject.Parse(File.ReadAllText(Path.Combine(Runs("valid"), "results.json")));
        var versions = (JObject)results["versions"]!;
        Assert.Equal(["n1", "n2", "n3"], versions.Properties().Select(p => p.Name).Order());
        Assert.All(versions.Properties(), p => Assert.StartsWith($"3.8.0-{NightlySuite.CandidateQualifier}-", (string?)p.Value));
        // The stock build reports no qualifier: the version comes from the servers, not from the spec.
        var stockResults = JObject.Parse(File.ReadAllText(Path.Combine(Runs("invalid"), "results.json")));
        var stock = (JObject)stockResults["versions"]!;
        Assert.Equal("stale-reads", (string?)stockResults["overrides"]?["client.mode"]); // each member's own overrides are recorded
        Assert.All(stock.Properties(), p => Assert.DoesNotContain(NightlySuite.CandidateQualifier, (string?)p.Value));
        // etcd's members say what `etcd --version` says.
        var etcdRun = Directory.GetDirectories(Path.Combine(suite.Results, "etcd-register")).Single(d => new DirectoryInfo(d).LinkTarget is null);
        var etcdVersions = (JObject)JObject.Parse(File.ReadAllText(Path.Combine(etcdRun, "results.json")))["versions"]!;
        var installed = Regex.Match(Process.Start(new ProcessStartInfo("/usr/bin/etcd", "--version") { RedirectStandardOutput = true })!.StandardOutput.ReadToEnd(), @"etcd Version: (\S+)").Groups[1].Value;
        Assert.NotEmpty(installed);
        Assert.All(etcdVersions.Properties(), p => Assert.Equal(installed, (string?)p.Value));
    }

    [Fact]
    public void Each_run_records_what_it_ran_on_in_results_json()
    {
        var results = JObject.Parse(File.ReadAllText(Path.Combine(Runs("valid"), "results.json")));
        var conditions = (JObject)results["conditions"]!;
        foreach (var load in new[] { "loadAtStart", "loadAtEnd" })
            Assert.True(conditions[load] is JArray { Count: 3 } l && l.All(x => (double)x >= 0), $"{conditions[load]}");
        Assert.Equal(Environment.ProcessorCount, (int?)conditions["cores"]);
        string? Field(string name) => (string?)conditions[name];
        Assert.Equal(("local", "local", "proxy", "proxy"),
            (Field("provider"), Field("nodeKind"), Field("isolation"), Field("network")));
        Assert.False(string.IsNullOrEmpty((string?)conditions["checker"]));
    }

    [Fact]
    public void Compare_of_the_two_runs_renders_without_console_errors_and_shows_each_runs_own_figures()
    {
        var (a, b) = (Runs("valid"), Runs("invalid"));
        var outDir = Path.Combine(suite.Work, "compare");
        var (exit, stdout, stderr) = NightlySuite.RunChecker(["compare", a, b, "--out", outDir]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("ok/s", stdout);
        var page = Path.Combine(outDir, "compare.html");
        var html = File.ReadAllText(page);
        var rows = Regex.Matches(html, "<tr class=\"(marked|doubtful)?\"><td>[^<]*</td><td>([^<]*)</td><td class=\"num\"><pre>([^<]*)</pre></td><td class=\"num\"><pre>([^<]*)</pre>")
            .ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value), m => (A: m.Groups[3].Value, B: m.Groups[4].Value));
        var ja = JObject.Parse(File.ReadAllText(Path.Combine(a, "results.json")));
        var jb = JObject.Parse(File.ReadAllText(Path.Combine(b, "results.json")));
        string F(JToken? t, string format) => t is null || t.Type == JTokenType.Null ? "-" : ((double)t).ToString(format, CultureInfo.InvariantCulture);
        Assert.Equal(("valid", "invalid"), rows["verdict"]);
        Assert.Equal((F(ja.SelectToken("checks.stats.details.all.okPerSecond"), "0.0"), F(jb.SelectToken("checks.stats.details.all.okPerSecond"), "0.0")), rows["ok/s"]);
        Assert.Equal((F(ja.SelectToken("checks.stats.details.byF[?(@.f=='read')].latencyP99Ms"), "0.00"), F(jb.SelectToken("checks.stats.details.byF[?(@.f=='read')].latencyP99Ms"), "0.00")), rows["read p99"]);
        Assert.Equal((F(ja.SelectToken("checks.recovery.details.longestOutage.seconds"), "0.000"), F(jb.SelectToken("checks.recovery.details.longestOutage.seconds"), "0.000")), rows["longest outage (s)"]);
        Assert.Contains(rows.Keys, k => k.StartsWith("partition: heal to first ok"));
        Assert.Contains("linearizable: invalid", rows["anomalies found"].B);
        Assert.Equal("none", rows["anomalies found"].A);
        Assert.True(File.Exists(Path.Combine(outDir, "compare-latency.png")));

        var visit = Chromium.Open(page, Path.Combine(outDir, "compare.png"));
        Assert.Empty(visit.ConsoleErrors);
        Assert.True(new FileInfo(visit.Screenshot).Length > 10_000, visit.Log);
    }

    [Fact]
    public void Run_with_a_baseline_compares_the_new_run_with_it_at_the_end()
    {
        var baseline = Runs("valid");
        var results = Path.Combine(suite.Work, "baseline-results");
        var (exit, stdout, stderr) = NightlySuite.RunChecker(["run", Checker.Tests.RepositoryPaths.DefaultSpec, "--time-limit", "3", "--nemesis.faults", "kill-random",
            "--nemesis.initial-delay", "1", "--nemesis.interval", "2", "--nemesis.duration", "1", "--results", results, "--runs-dir", Path.Combine(suite.Work, "runs"), "--baseline", baseline]);
        Assert.True(exit is 0 or 2, $"exit {exit}\n{stdout}\n{stderr}");
        var run = Directory.GetDirectories(Path.Combine(results, "zookeeper-register")).Single(d => new DirectoryInfo(d).LinkTarget is null);
        Assert.Contains($"A: {baseline}", stdout);
        Assert.Contains($"B: {run}", stdout);
        Assert.True(File.Exists(Path.Combine(run, "compare.html")));
        Assert.Equal(App.BadInput, NightlySuite.RunChecker(["run", "--baseline", suite.Work]).Exit); // not a run folder: refused before anything runs
    }
}
