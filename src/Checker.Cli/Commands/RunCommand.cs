using System.Runtime.InteropServices;
using Checker.Cli.Suites;
using Checker.Report;
using Checker.Runner.Running;
using Checker.Runner.Spec;

namespace Checker.Cli.Commands;

/// <summary>checker run [SPEC] [--field value ...]: runs a test and checks its history.</summary>
public static class RunCommand
{
    public const string DefaultSpec = "workloads/zookeeper-register.json";

    const string Help = """
        usage: checker run [SPEC|SUITE ...] [--FIELD VALUE ...] [--results DIR] [--seed N] [--runs-dir DIR]
                   [--junit FILE] [--baseline RUN_DIR]

        Runs the test in SPEC (default workloads/zookeeper-register.json): a local ZooKeeper ensemble,
        concurrent clients, a nemesis; then checks the history and writes results/<test>/<time>/.
        Any spec field can be overridden by its dotted name, e.g.
          --time-limit 30  --nemesis.faults kill-random,partition-isolate-one  --workload.sync-reads false
          --client.mode stale-reads  --db.install /path/to/apache-zookeeper-3.9.2-bin.tar.gz
        Nodes on hosts over SSH, as Jepsen's flags: --nodes h1,h2,h3 --username root
          --ssh-private-key ~/.ssh/id_ed25519 [--ssh.known-hosts FILE] [--ssh.accept-new] [--password P]
        Docker nodes (root): --nodes.provider docker [--nodes.image IMAGE]; Checker's node image is built when missing.
        Several SPECs, or a SUITE file (a JSON list of {"spec", "overrides", "repeat"}, spec paths relative to
        it), run one after another; the overrides given here apply to every test. A summary table follows,
        and --junit FILE writes JUnit XML (one testcase per run). The exit code is the worst verdict.
        --baseline RUN_DIR compares each run with that earlier run at the end (compare.html in the new run's folder).
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
        var results = args.Get("results") ?? "results";
        var runsDir = args.Get("runs-dir");
        var junit = args.Get("junit");
        var baseline = args.Get("baseline");
        if (baseline is not null && !File.Exists(Path.Combine(baseline, "results.json")))
            return App.BadInputError($"--baseline {baseline}: not a run folder (no results.json)");
        int? seed = null;
        if (args.Get("seed") is { } seedText)
            seed = int.TryParse(seedText, out var s)
                ? s
                : throw new UsageException($"--seed needs an integer, not '{seedText}'");
        var overrides = args.Unused().SelectMany(Shorthand).ToList(); // every other option sets a spec field

        List<SuiteMember> members;
        try
        {
            members = SuiteFile.Load(args.Positional.Count > 0 ? args.Positional : [FindDefaultSpec()], overrides);
        }
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
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            var options = new RunOptions(results, seed, Console.Error, !Console.IsErrorRedirected, runsDir);
            var runs = new SuiteRunner(options, Console.Error).RunAsync(members, cancel.Token).GetAwaiter().GetResult();
            if (runs is [{ Figures: { } only } single])
            {
                foreach (var c in only.Checks)
                    Console.Out.WriteLine(
                        $"{c.Checker}: {c.Verdict.ToString().ToLowerInvariant()}\n  {c.Summary.Replace("\n", "\n  ")}"
                    );
                Console.Out.WriteLine(
                    $"verdict: {SuiteOutput.VerdictText(single)}\nreport: {Path.Combine(only.Dir, "index.html")}"
                );
            }
            Console.Out.Write(SuiteOutput.Table(runs));
            if (junit is not null)
            {
                SuiteOutput.WriteJUnit(runs, junit);
                Console.Out.WriteLine($"junit: {Path.GetFullPath(junit)}");
            }
            Console.Out.WriteLine($"runs index: {Path.GetFullPath(Path.Combine(results, RunsIndex.FileName))}");
            // Each run is compared with the baseline: the candidate is B, so changes read as B - A.
            if (baseline is not null)
                foreach (var run in runs.Where(r => r.Folder is not null))
                    Console.Out.Write(CompareCommand.Write(baseline, run.Folder!));
            return SuiteRunner.ExitCode(runs);
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Jepsen's flags for SSH nodes, as the spec fields they set.</summary>
    static IEnumerable<KeyValuePair<string, string>> Shorthand(KeyValuePair<string, string> o) =>
        o.Key switch
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

    /// <summary>
    /// workloads/zookeeper-register.json here or in a parent directory (so it works from inside the repo),
    /// else the copy shipped beside checker itself (an installed tool run from anywhere).
    /// </summary>
    internal static string FindDefaultSpec()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultSpec);
            if (File.Exists(candidate))
                return candidate;
        }
        var shipped = Path.Combine(AppContext.BaseDirectory, DefaultSpec);
        return File.Exists(shipped) ? shipped : DefaultSpec; // the load error names it
    }
}
