using Checker.Databases.ZooKeeper.Candidates;
using Checker.Runner.Databases;

namespace Checker.Cli.Commands;

/// <summary>checker candidate build NAME: a ZooKeeper release with one known bug put back, for db.install.</summary>
public static class CandidateCommand
{
    static readonly string Help = $"""
        usage: checker candidate build NAME [--cache DIR]

          Builds a ZooKeeper release with one upstream fix taken back out, from Debian's source of the
          installed zookeeper package (apt-get source through a private apt configuration, dpkg-source -x,
          the one file reverted, compiled with javac against Debian's jars). Prints the release folder, which
          `checker run --db.install FOLDER` takes. Kept in the cache (default ~/.cache/checker/candidates, or
          $CHECKER_CACHE/candidates) and reused while Debian's version stays the same. As root, missing build
          tools (zookeeper, a JDK, dpkg-dev) are installed from Debian.

          candidates:
        {string.Join("\n", BugCandidate.All.Select(c => $"    {c.Name}: {c.Summary}"))}
        exit: 0 built or already there, 4 usage, 5 it could not be built (the message says why)
        """;

    public static int Execute(string[] argv)
    {
        var args = new Args(argv, "help");
        if (args.Flag("help") || args.Positional is not ["build", _])
        {
            Console.Out.WriteLine(Help);
            return args.Flag("help") ? 0 : App.Usage;
        }
        var name = args.Positional[1];
        var cache = args.Get("cache") ?? CandidateBuilder.CacheDirectory;
        args.RejectUnknown();
        var candidate = BugCandidate.Named(name)
            ?? throw new UsageException(
                $"no candidate '{name}' (known: {string.Join(", ", BugCandidate.All.Select(c => c.Name))})"
            );
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            var folder = CandidateBuilder
                .EnsureAsync(candidate, cache, line => Console.Error.WriteLine($"checker: {line}"), cancel.Token)
                .GetAwaiter()
                .GetResult();
            Console.Out.WriteLine(folder);
            return 0;
        }
        catch (EnvironmentException e)
        {
            return App.EnvironmentError(e.Message);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return App.EnvironmentError("candidate build interrupted");
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }
}
