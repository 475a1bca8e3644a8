using System.Diagnostics;
using Checker.Runner.Nodes;
using Checker.Runner.Running;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Checker.Nodes.Docker;

/// <summary>Where a node image came from this time.</summary>
public enum ImageSource
{
    Present,
    Imported,
    Built,
}

/// <summary>
/// Checker's node image, made without a registry: mmdebstrap writes a Debian root filesystem as a tar
/// into the cache folder, and the daemon imports it (the Engine API's image create from source "-").
/// The tar is kept under the recipe's hash, so a new daemon imports it in seconds instead of building
/// again; a lock file makes concurrent builders of the same recipe wait for one another.
/// </summary>
public static class NodeImage
{
    /// <summary>The images folder of Checker's cache (CacheFolder).</summary>
    public static string CacheDirectory => Path.Combine(CacheFolder.Base, "images");

    /// <summary>True when the daemon has an image by that name.</summary>
    public static async Task<bool> ExistsAsync(DockerClient client, string image, CancellationToken ct)
    {
        try
        {
            await client.Images.InspectImageAsync(image, ct);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Makes sure the daemon has the recipe's image: there already, imported from the cached root
    /// filesystem, or built with mmdebstrap first. progress hears each step (and mmdebstrap's lines).
    /// </summary>
    public static async Task<ImageSource> EnsureAsync(
        DockerClient client,
        ImageRecipe recipe,
        string cacheDir,
        Action<string> progress,
        CancellationToken ct
    )
    {
        if (await ExistsAsync(client, recipe.Tag, ct))
            return ImageSource.Present;
        var built = await RootfsAsync(recipe, cacheDir, progress, ct);
        await ImportAsync(client, recipe, Path.Combine(cacheDir, recipe.RootfsName), progress, ct);
        return built ? ImageSource.Built : ImageSource.Imported;
    }

    /// <summary>Makes the cached root filesystem unless it is there; true if it had to be built.</summary>
    public static async Task<bool> RootfsAsync(
        ImageRecipe recipe,
        string cacheDir,
        Action<string> progress,
        CancellationToken ct
    )
    {
        Directory.CreateDirectory(cacheDir);
        var tar = Path.Combine(cacheDir, recipe.RootfsName);
        if (File.Exists(tar))
            return false;
        using var held = await LockAsync(Path.Combine(cacheDir, recipe.RootfsName + ".lock"), progress, ct);
        if (File.Exists(tar))
            return false; // another process built it while we waited
        var partial = tar + ".partial";
        var argv = recipe.Mmdebstrap(partial);
        progress(
            $"building the node image's root filesystem ({string.Join(", ", recipe.Packages)} from {recipe.Suite} "
                + $"at {recipe.Mirror}); this takes minutes, once"
        );
        var clock = Stopwatch.StartNew();
        try
        {
            await RunMmdebstrapAsync(argv, progress, ct);
            File.Move(partial, tar);
        }
        finally
        {
            File.Delete(partial);
        }
        progress(
            $"root filesystem built in {clock.Elapsed.TotalSeconds:0}s: {tar} "
                + $"({new FileInfo(tar).Length / 1_000_000} MB)"
        );
        return true;
    }

    static async Task RunMmdebstrapAsync(IReadOnlyList<string> argv, Action<string> progress, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DockerNodeException(
                "the node image must be built, but mmdebstrap is missing: apt-get install mmdebstrap, or name an "
                    + "image with nodes.image"
            );
        }
        using (p)
        {
            var tail = new Queue<string>();
            async Task Pump(StreamReader reader)
            {
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    lock (tail)
                    {
                        tail.Enqueue(line);
                        if (tail.Count > 8)
                            tail.Dequeue();
                    }
                    if (
                        line.StartsWith("I: ", StringComparison.Ordinal)
                        || line.StartsWith("E: ", StringComparison.Ordinal)
                        || line.StartsWith("W: ", StringComparison.Ordinal)
                    )
                        progress($"mmdebstrap: {line}");
                }
            }
            try
            {
                await Task.WhenAll(Pump(p.StandardOutput), Pump(p.StandardError), p.WaitForExitAsync(ct));
            }
            catch (OperationCanceledException)
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException) { }
                throw;
            }
            if (p.ExitCode != 0)
            {
                var last = string.Join(" | ", tail.Where(l => l.Trim().Length > 0).TakeLast(3));
                throw new DockerNodeException(
                    $"the node image could not be built: mmdebstrap failed (exit {p.ExitCode}): {last}"
                );
            }
        }
    }

    /// <summary>Imports a root filesystem tar as the recipe's image, with a PATH and an idle command set.</summary>
    public static async Task ImportAsync(
        DockerClient client,
        ImageRecipe recipe,
        string tar,
        Action<string> progress,
        CancellationToken ct
    )
    {
        progress($"importing {tar} into the Docker daemon as {recipe.Tag}");
        var clock = Stopwatch.StartNew();
        var (repo, tag) = (recipe.Tag[..recipe.Tag.IndexOf(':')], recipe.Tag[(recipe.Tag.IndexOf(':') + 1)..]);
        string? error = null;
        await using var data = File.OpenRead(tar);
        await client.Images.CreateImageAsync(
            new ImagesCreateParameters
            {
                FromSrc = "-",
                Repo = repo,
                Tag = tag,
                Message = $"Checker node image, recipe {recipe.Hash}",
                Changes =
                [
                    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "CMD [\"sleep\", \"infinity\"]",
                    $"LABEL checker.recipe={recipe.Hash}",
                ],
            },
            data,
            null,
            new Progress<JSONMessage>(m => error ??= m.Error?.Message ?? m.ErrorMessage),
            ct
        );
        if (error is not null)
            throw new DockerNodeException($"the daemon could not import {tar}: {error}");
        if (!await ExistsAsync(client, recipe.Tag, ct))
            throw new DockerNodeException($"the daemon imported {tar} but has no image {recipe.Tag}");
        progress($"imported {recipe.Tag} in {clock.Elapsed.TotalSeconds:0.0}s");
    }

    /// <summary>Holds an exclusive lock on path (flock, released when disposed or when the process dies).</summary>
    static async Task<FileStream> LockAsync(string path, Action<string> progress, CancellationToken ct)
    {
        var told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                if (!told)
                    progress($"waiting for another process that builds the same image ({path})");
                told = true;
                await Task.Delay(1000, ct);
            }
        }
    }
}
