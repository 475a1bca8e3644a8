using System.Diagnostics;
using Checker.Core.Checks;
using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Core.Workloads;
using Checker.Report.Data;
using Checker.Report.Pages;
using Checker.Report.Plots;
using ScottPlot;

namespace Checker.Report;

/// <summary>One file a report wrote, how long it took and how big it is.</summary>
public sealed record ReportArtifact(string File, TimeSpan Took, long Bytes);

/// <summary>Writes a run's pictures and pages: plots as PNG, pages as self-contained HTML.</summary>
public static class RunReport
{
    /// <summary>Writes every plot and page for one run into dir (created if needed); returns what it wrote.</summary>
    public static IReadOnlyList<ReportArtifact> Write(
        string dir,
        IReadOnlyList<Op> history,
        IReadOnlyList<CheckResult> results,
        ReportOptions? options = null
    )
    {
        options ??= new ReportOptions();
        Directory.CreateDirectory(dir);
        var written = new List<ReportArtifact>();
        void Timed(string file, Action write)
        {
            var clock = Stopwatch.StartNew();
            write();
            var path = Path.Combine(dir, file);
            written.Add(new ReportArtifact(file, clock.Elapsed, File.Exists(path) ? new FileInfo(path).Length : 0));
        }

        HistoryDigest digest = null!;
        Timed("(reading the history)", () => digest = new HistoryDigest(history, options.StartedAt));
        var failing = results.FirstOrDefault(r => r.Verdict == Verdict.Invalid && Failure(r) is not null);
        var failure = failing is null ? null : Failure(failing);

        var plots = new List<(string File, string Title)>
        {
            (LatencyRawPlot.FileName, "Latency of each operation"),
            (LatencyQuantilesPlot.FileName, "Latency quantiles over time"),
            (RatePlot.FileName, "Throughput over time"),
        };
        // The three plots are independent; drawing them side by side halves the wait on a 2-core machine.
        var timings = new TimeSpan[plots.Count];
        Parallel.For(0, plots.Count, i =>
        {
            var clock = Stopwatch.StartNew();
            using var plot = i switch
            {
                0 => LatencyRawPlot.Build(digest, options),
                1 => LatencyQuantilesPlot.Build(digest, options),
                _ => RatePlot.Build(digest, options),
            };
            PlotKit.Save(plot, Path.Combine(dir, plots[i].File), options);
            timings[i] = clock.Elapsed;
        });
        for (var i = 0; i < plots.Count; i++)
            written.Add(
                new ReportArtifact(plots[i].File, timings[i], new FileInfo(Path.Combine(dir, plots[i].File)).Length)
            );

        var windows = new TimelineWindows(history, options.MaxTimelineRecords, failure?.Failed.InvokeIndex);
        var pictures = WorkloadPictures.For(results);
        DeleteStale(dir, failure is not null, windows, pictures.Select(p => p.File));
        foreach (var picture in pictures)
        {
            var drawn = false;
            Timed(picture.File, () =>
            {
                var (plot, height) = picture.Build(digest, options);
                if (plot is null)
                    return;
                using (plot)
                    plot.SavePng(Path.Combine(dir, picture.File), options.PlotWidth, height);
                drawn = true;
            });
            if (drawn)
                plots.Add((picture.File, picture.Title));
        }
        if (failure is not null)
        {
            Timed(AnomalyPlot.FileName, () =>
                AnomalyPlot.Write(Path.Combine(dir, AnomalyPlot.FileName), digest, failure, options)
            );
            plots.Add((AnomalyPlot.FileName, "The anomaly"));
            Timed(CounterexamplePage.FileName, () =>
                CounterexamplePage.Write(dir, digest, failure, failing!.Summary, windows, true, options)
            );
        }
        foreach (var w in windows.All)
            Timed(w.File, () => TimelinePage.WriteWindow(dir, digest, windows, w, failure));
        var verdict = options.Verdict ?? Verdicts.Combine(results.Select(r => r.Verdict));
        Timed(RunPage.FileName, () =>
            RunPage.Write(
                dir,
                digest,
                results,
                verdict,
                new RunPage.Artifacts(plots, windows.All, failure is not null),
                options
            )
        );
        Timed(RunSummary.FileName, () => RunSummary.Write(dir, digest, results, verdict, options.Incomplete));
        return written;
    }

    /// <summary>
    /// Rewrites a run folder's report from its history.jsonl and results.json. Without results.json (a bare
    /// history) it runs the checks itself and says so on the page. Missing or unreadable input throws
    /// ReportInputException or HistoryFormatException, naming the file.
    /// </summary>
    public static IReadOnlyList<ReportArtifact> Regenerate(string runDir)
    {
        if (!Directory.Exists(runDir))
            throw new ReportInputException($"{runDir}: no such folder");
        var historyPath = Path.Combine(runDir, "history.jsonl");
        if (!File.Exists(historyPath))
            throw new ReportInputException($"{historyPath}: no such file (a run folder holds history.jsonl)");
        var loaded = HistoryFile.Open(historyPath, HistoryFormat.JsonLines);
        var history = loaded.Ops;
        var resultsPath = Path.Combine(runDir, "results.json");
        var name = new DirectoryInfo(runDir);
        var runName = name.LinkTarget is { } target ? Path.GetFileName(target) : name.Name;
        if (File.Exists(resultsPath))
        {
            var run = ResultsFile.Read(resultsPath);
            var title =
                $"{run.Test ?? name.Parent?.Name ?? "run"} {runName}{(run.Interrupted ? " (interrupted)" : "")}";
            return Write(
                runDir,
                history,
                run.Checks,
                new ReportOptions
                {
                    Title = title,
                    Verdict = run.Verdict,
                    StartedAt = loaded.Header.Start,
                }
            );
        }
        // The runner writes results.json last, after the final heal, the recovery wait and the final reads:
        // a run folder without it was cut short (the runner was killed), so what it holds proves less than
        // a whole run. It is marked incomplete, and valid checks make it unknown at best, never VALID.
        var (checks, note) = CheckHere(history, historyPath);
        var combined = Verdicts.Combine(checks.Select(c => c.Verdict));
        return Write(
            runDir,
            history,
            checks,
            new ReportOptions
            {
                Title = $"{name.Parent?.Name ?? "run"} {runName} (incomplete)",
                Note =
                    "Incomplete run: there is no results.json, so the runner stopped before the end (no final "
                    + "heal, recovery wait or final reads were recorded). "
                    + note,
                Verdict = combined == Verdict.Invalid ? Verdict.Invalid : Verdict.Unknown,
                Incomplete = true,
                StartedAt = loaded.Header.Start,
            }
        );
    }

    /// <summary>The checks for a history that came without results: stats, and linearizability with a time
    /// limit.</summary>
    public static (List<CheckResult> Checks, string Note) CheckHere(IReadOnlyList<Op> history, string source)
    {
        var checks = new List<CheckResult> { new StatsChecker().Check(history) };
        string model;
        try
        {
            var ops = Pairing.Pair(history, source);
            model = ModelCatalog.Guess(ops);
            var checker = new LinearizabilityChecker(
                ModelCatalog.Create(model, null),
                new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60), Source = source }
            );
            checks.Insert(0, checker.Check(ops));
        }
        catch (HistoryFormatException e)
        {
            model = "none";
            checks.Insert(0, new CheckResult("linearizable", Verdict.Unknown, $"could not check: {e.Message}"));
        }
        return (
            checks,
            $"There was no results.json: these checks ran while the report was made (model {model}, at most 60 s)."
        );
    }

    /// <summary>Why a check's history is not linearizable, when it says: the linearizability check's, or the mutex
    /// check's search.</summary>
    static KeyFailure? Failure(CheckResult r) =>
        (r.Details as LinearizabilityReport ?? (r.Details as MutexReport)?.Linearizability)?.Failure;

    /// <summary>A regenerated report must not keep pages of an earlier verdict (a counterexample of a run now
    /// valid).</summary>
    static void DeleteStale(string dir, bool invalid, TimelineWindows windows, IEnumerable<string> pictures)
    {
        var stale = WorkloadPictures.Files.Except(pictures).ToList();
        if (!invalid)
            stale.AddRange([CounterexamplePage.FileName, AnomalyPlot.FileName]);
        if (windows.All.All(w => w.File != TimelineWindows.FailureFile))
            stale.Add(TimelineWindows.FailureFile);
        foreach (var f in stale)
            File.Delete(Path.Combine(dir, f));
    }
}
