using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Checker.Cli.Suites;

/// <summary>The suite's results as a person reads them (a table) and as a CI server does (JUnit XML).</summary>
public static class SuiteOutput
{
    static readonly string[] Header = ["test", "verdict", "ops", "ok/s", "p99 ms", "longest outage s", "folder"];

    /// <summary>One row per run: figures a missing result lacks are shown as "-", never as zero.</summary>
    public static string Table(IReadOnlyList<SuiteResult> results)
    {
        var rows = results
            .Select(r =>
                new[]
                {
                    r.Label + (results.Count(o => o.Label == r.Label) > 1 ? $" #{r.Attempt}" : ""),
                    VerdictText(r),
                    r.Figures is { } f ? f.Ops.ToString(CultureInfo.InvariantCulture) : "-",
                    Num(r.Figures?.OkPerSecond, "0.0"),
                    Num(r.Figures?.P99Ms, "0.0"),
                    Num(r.Figures?.LongestOutageSeconds, "0.0"),
                    r.Folder ?? "-",
                }
            )
            .ToList();
        var widths = Enumerable
            .Range(0, Header.Length)
            .Select(c => rows.Select(row => row[c].Length).Append(Header[c].Length).Max())
            .ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) =>
            sb.AppendLine(
                string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd()
            );
        Line(Header);
        foreach (var row in rows)
            Line(row);
        return sb.ToString();
    }

    public static string VerdictText(SuiteResult r) =>
        r.Verdict is { } v
            ? v.ToString().ToLowerInvariant()
                + (r.Interrupted ? " (interrupted)" : "")
                + (
                    r.Expect == Core.Checks.Verdict.Invalid
                        ? v == Core.Checks.Verdict.Invalid
                            ? " (expected)"
                            : " (expected invalid)"
                        : ""
                )
        : r.Error is not null ? "error"
        : "skipped";

    static string Num(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// JUnit XML: one testcase per run. Invalid is a failure (the checks' summaries and the counterexample);
    /// unknown and could-not-run are errors, since they prove nothing; a run Ctrl-C kept from starting is skipped.
    /// Each testcase's system-out names the run folder, as a file: URL a CI server can link.
    /// </summary>
    public static XDocument JUnit(IReadOnlyList<SuiteResult> results, string suiteName = "checker")
    {
        var cases = results
            .Select(r =>
            {
                var name = r.Label + (results.Count(o => o.Label == r.Label) > 1 ? $" #{r.Attempt}" : "");
                var tc = new XElement(
                    "testcase",
                    new XAttribute("classname", $"checker.{r.Figures?.Test ?? r.Label.Split(' ')[0]}"),
                    new XAttribute("name", name),
                    new XAttribute("time", r.Seconds.ToString("0.000", CultureInfo.InvariantCulture))
                );
                if (r.Skipped)
                    tc.Add(new XElement("skipped", new XAttribute("message", "not run: the suite was interrupted")));
                else if (r.Error is not null)
                    tc.Add(
                        new XElement(
                            "error",
                            new XAttribute("message", "the test could not run"),
                            new XAttribute("type", "error"),
                            r.Error
                        )
                    );
                else if (r.Failed && r.Expect == Core.Checks.Verdict.Invalid)
                    tc.Add(
                        new XElement(
                            "failure",
                            new XAttribute("message", "expected invalid: the known bug was not found"),
                            new XAttribute("type", "missed"),
                            Explanation(r)
                        )
                    );
                else if (r.Failed)
                    tc.Add(
                        new XElement(
                            "failure",
                            new XAttribute("message", "invalid"),
                            new XAttribute("type", "invalid"),
                            Explanation(r)
                        )
                    );
                else if (r.Verdict != r.Expect)
                    tc.Add(
                        new XElement(
                            "error",
                            new XAttribute("message", VerdictText(r)),
                            new XAttribute("type", "unknown"),
                            Explanation(r)
                        )
                    );
                if (r.Folder is not null)
                    tc.Add(
                        new XElement(
                            "system-out",
                            $"run folder: {new Uri(Path.GetFullPath(r.Folder)).AbsoluteUri}\nreport: "
                                + $"{new Uri(Path.Combine(Path.GetFullPath(r.Folder), "index.html")).AbsoluteUri}"
                        )
                    );
                return tc;
            })
            .ToList();
        var suite = new XElement(
            "testsuite",
            new XAttribute("name", suiteName),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => r.Failed)),
            new XAttribute("errors", results.Count(r => !r.Skipped && !r.Failed && r.Verdict != r.Expect)),
            new XAttribute("skipped", results.Count(r => r.Skipped)),
            new XAttribute("time", results.Sum(r => r.Seconds).ToString("0.000", CultureInfo.InvariantCulture)),
            cases
        );
        return new XDocument(new XElement("testsuites", suite));
    }

    /// <summary>Writes the JUnit XML as UTF-8 without a byte-order mark, which some readers refuse.</summary>
    public static void WriteJUnit(IReadOnlyList<SuiteResult> results, string path)
    {
        var settings = new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using var writer = System.Xml.XmlWriter.Create(path, settings);
        JUnit(results).Save(writer);
    }

    /// <summary>Every check's verdict and summary, then the minimal counterexample of the first non-linearizable
    /// key.</summary>
    static string Explanation(SuiteResult r)
    {
        if (r.Figures is null)
            return "no results.json was written";
        var sb = new StringBuilder();
        foreach (var c in r.Figures.Checks)
            sb.AppendLine($"{c.Checker}: {c.Verdict.ToString().ToLowerInvariant()}: {c.Summary}");
        var failure = r
            .Figures.Checks.Select(c =>
                c.Details as Core.Linearizability.LinearizabilityReport
                ?? (c.Details as Core.Workloads.MutexReport)?.Linearizability
            )
            .Select(l => l?.Failure)
            .FirstOrDefault(f => f is not null);
        if (failure is not null)
        {
            sb.AppendLine();
            sb.AppendLine($"cannot linearize: {failure.Failed}");
            sb.Append(Counterexample.Text(failure));
        }
        return sb.ToString();
    }
}
