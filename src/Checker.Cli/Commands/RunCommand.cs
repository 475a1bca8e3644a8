using System.Runtime.InteropServices;
using Checker.Core.Checks;
using Checker.Report;
using Checker.Runner.Databases;
using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Cli.Commands;

/// <summary>checker run [SPEC] [--field value ...]: runs a test and checks its history.</summary>
public static class RunCommand
{
    public const string DefaultSpec = "workloads/zookeeper-register.json";

    const string Help = """
        usage: checker run [SPEC] [--FIELD VALUE ...] [--results DIR] [--seed N] [--runs-dir DIR]

        Runs the test in SPEC (default workloads/zookeeper-register.json): a local ZooKeeper ensemble,
        concurrent clients, a nemesis; then checks the history and writes results/<test>/<time>/.
        Any spec field can be overridden by its dotted name, e.g.
          --time-limit 30  --nemesis.faults kill-random,partition-isolate-one  --workload.sync-reads false
          --client.mode stale-reads  --db.install /path/to/apache-zookeeper-3.9.2-bin.tar.gz
        Nodes on hosts over SSH, as Jepsen's flags: --nodes h1,h2,h3 --username root
          --ssh-private-key ~/.ssh/id_ed25519 [--ssh.known-hosts FILE] [--ssh.accept-new] [--password P]
        Ctrl-C heals the cluster, tears it down and checks the history recorded so far.
        Exit codes: 0 valid, 1 invalid, 2 unknown, 3 bad spec, 4 usage, 5 environment.
        """;

    public static int Execute(string[] argv)
    {
        if (argv.Any(a => a is "-h" or "--help"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        var args = new Args(argv, "ssh.accept-new");
        if (args.Positional.Count > 1) return App.UsageError($"run takes one spec, not '{args.Positional[0]}' and '{args.Positional[1]}'");
        var specPath = args.Positional.FirstOrDefault();
        var results = args.Get("results");
        var runsDir = args.Get("runs-dir");
        int? seed = null;
        if (args.Get("seed") is { } seedText)
            seed = int.TryParse(seedText, out var s) ? s : throw new UsageException($"--seed needs an integer, not '{seedText}'");
        var overrides = args.Unused().SelectMany(Shorthand).ToList(); // every other option sets a spec field

        TestSpec spec;
        try { spec = SpecLoader.Load(specPath ?? FindDefaultSpec(), overrides); }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"checker: {e.Message}");
            return App.BadInput;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true; // keep running long enough to heal, tear down and check
            Console.Error.WriteLine("\nchecker: interrupted; healing, tearing down and checking the history so far");
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
        try
        {
            var options = new RunOptions(results ?? "results", seed, Console.Error, !Console.IsErrorRedirected, runsDir,
                overrides.ToDictionary(o => o.Key, o => o.Value));
            var outcome = TestRunner.RunAsync(spec, options, cancel.Token).GetAwaiter().GetResult();
            foreach (var c in outcome.Checks)
                Console.Out.WriteLine($"{c.Checker}: {c.Verdict.ToString().ToLowerInvariant()}\n  {c.Summary.Replace("\n", "\n  ")}");
            Console.Out.WriteLine($"verdict: {outcome.Verdict.ToString().ToLowerInvariant()}{(outcome.Interrupted ? " (interrupted)" : "")}");
            Console.Out.WriteLine($"results: {outcome.Folder.Dir}");
            WriteReport(outcome.Folder.Dir, options.ResultsRoot);
            return Verdicts.ExitCode(outcome.Verdict);
        }
        catch (Exception e) when (e is EnvironmentException or Runner.Nodes.Ssh.SshNodeException)
        {
            Console.Error.WriteLine($"checker: {e.Message}");
            return App.Environment;
        }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"checker: {e.Message}");
            return App.BadInput;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Jepsen's flags for SSH nodes, as the spec fields they set.</summary>
    static IEnumerable<KeyValuePair<string, string>> Shorthand(KeyValuePair<string, string> o) => o.Key switch
    {
        "nodes" => [new("nodes.provider", "ssh"), new("nodes.hosts", o.Value)],
        "username" => [new("nodes.user", o.Value)],
        "password" => [new("nodes.password", o.Value)],
        "ssh-private-key" => [new("nodes.private-key", o.Value)],
        "ssh.known-hosts" => [new("nodes.known-hosts", o.Value)],
        "ssh.accept-new" => [new("nodes.accept-new", o.Value is "" ? "true" : o.Value)],
        "ssh.port" => [new("nodes.port", o.Value)],
        _ => [o],
    };

    /// <summary>Plots and pages for the run, and the index of all runs; a report that fails never costs the run its verdict.</summary>
    static void WriteReport(string runDir, string resultsRoot)
    {
        try
        {
            RunReport.Regenerate(runDir);
            RunsIndex.Write(resultsRoot);
            Console.Out.WriteLine($"report: {Path.Combine(runDir, "index.html")}");
        }
        catch (Exception e) when (e is IOException or ReportInputException or Core.History.HistoryFormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"checker: the report could not be written: {e.Message}");
        }
    }

    /// <summary>workloads/zookeeper-register.json here or in a parent directory (so it works from inside the repo).</summary>
    static string FindDefaultSpec()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultSpec);
            if (File.Exists(candidate)) return candidate;
        }
        return DefaultSpec; // the load error names it
    }
}
