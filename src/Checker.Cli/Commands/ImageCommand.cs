using Checker.Nodes.Docker;

namespace Checker.Cli.Commands;

/// <summary>checker image build: Checker's node image for Docker nodes, built from Debian's packages without a
/// registry.</summary>
public static class ImageCommand
{
    const string Help = """
        usage: checker image build [--cache DIR]

          Builds Checker's node image on the Docker daemon (DOCKER_HOST, or the local socket) unless it is
          there: mmdebstrap makes a Debian bookworm root filesystem with ZooKeeper, etcd, iptables and
          iproute2 from the mirror this machine's apt uses (or CHECKER_DEBIAN_MIRROR), and the daemon imports
          it. The image is tagged checker-node:HASH, a hash of everything that went into it; the root
          filesystem is kept in the cache (default ~/.cache/checker/images, or $CHECKER_CACHE/images), so
          another daemon imports it in seconds. `checker run` does the same when the image is missing.
        exit: 0 the image is there, 4 usage, 5 it could not be built or imported (the message says why)
        """;

    public static int Execute(string[] argv)
    {
        var args = new Args(argv, "help");
        if (args.Flag("help") || args.Positional is not ["build"])
        {
            Console.Out.WriteLine(Help);
            return args.Flag("help") ? 0 : App.Usage;
        }
        var cache = args.Get("cache") ?? NodeImage.CacheDirectory;
        args.RejectUnknown();
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            var recipe = ImageRecipe.Default();
            using var client = DockerDaemon.ConnectAsync(DockerDaemon.Endpoint, cancel.Token).GetAwaiter().GetResult();
            var source = NodeImage
                .EnsureAsync(client, recipe, cache, line => Console.Error.WriteLine($"checker: {line}"), cancel.Token)
                .GetAwaiter()
                .GetResult();
            Console.Out.WriteLine(
                source switch
                {
                    ImageSource.Present => $"{recipe.Tag}: already on the daemon",
                    ImageSource.Imported => $"{recipe.Tag}: imported from {Path.Combine(cache, recipe.RootfsName)}",
                    _ => $"{recipe.Tag}: built and imported",
                }
            );
            return 0;
        }
        catch (DockerNodeException e)
        {
            return App.EnvironmentError(e.Message);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return App.EnvironmentError("image build interrupted");
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }
}
