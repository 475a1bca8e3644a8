using Checker.Core.Checks;

namespace Checker.Report.Tests;

/// <summary>The pages as a person opens them: from disk, in a real browser, with no console errors and something on screen.</summary>
[Trait("Tier", "Slow")]
public class BrowserTests
{
    [Fact]
    public void Report_pages_open_from_disk_without_console_errors()
    {
        var root = TestData.TempDir("browser");
        var run = Path.Combine(root, "etcd", "20250101T000000");
        var history = TestData.Etcd000();
        RunReport.Write(run, history, [TestData.CheckRegister(history), new StatsChecker().Check(history)], new ReportOptions { Title = "etcd_000" });
        RunsIndex.Write(root);

        foreach (var page in new[] { Path.Combine(run, "index.html"), Path.Combine(run, "timeline.html"), Path.Combine(run, "counterexample.html"), Path.Combine(root, "index.html") })
        {
            var shot = Path.Combine(root, Path.GetFileNameWithoutExtension(page) + (page.StartsWith(run) ? "" : "-results") + ".png");
            var visit = Chromium.Open(page, shot);
            Assert.True(visit.ConsoleErrors.Count == 0, $"{page}: {string.Join("\n", visit.ConsoleErrors)}");
            Assert.True(File.Exists(shot), $"no screenshot of {page}:\n{visit.Log}");
            using var png = new Png(shot);
            Assert.Equal((1280, 900), (png.Width, png.Height));
            Assert.True(png.InkFraction() > 0.01, $"{page} looks blank ({png.InkFraction():P2} ink)");
            Assert.True(png.DistinctColours() > 8, $"{page} has {png.DistinctColours()} colours");
        }
    }

    [Fact]
    public void A_page_with_a_script_error_or_a_missing_image_is_caught()
    {
        var dir = TestData.TempDir("browser-broken");
        var page = Path.Combine(dir, "broken.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><body><h1>broken</h1><img src=\"missing.png\"><script>noSuchFunction();</script></body></html>");
        var visit = Chromium.Open(page, Path.Combine(dir, "broken.png"));
        Assert.Contains(visit.ConsoleErrors, l => l.Contains("noSuchFunction"));
    }
}
