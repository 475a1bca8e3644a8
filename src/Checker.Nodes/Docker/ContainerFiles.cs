using System.Formats.Tar;
using System.Net;
using System.Text;
using Checker.Nodes.Net;
using Checker.Runner.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Checker.Nodes.Docker;

/// <summary>
/// Files into and out of a container through the Engine API's archive endpoints (tar streams), so
/// they work whatever the image holds and whether the container's processes run or not.
/// </summary>
internal static class ContainerFiles
{
    /// <summary>Writes a text file at an absolute path in the container (missing parent folders are made).</summary>
    public static Task WriteAsync(
        DockerClient client,
        string container,
        string path,
        string content,
        CancellationToken ct
    ) =>
        PutAsync(
            client,
            container,
            tar =>
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, Relative(path))
                {
                    Mode =
                        UnixFileMode.UserRead
                        | UnixFileMode.UserWrite
                        | UnixFileMode.GroupRead
                        | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                };
                tar.WriteEntry(entry);
            },
            ct
        );

    /// <summary>Copies a local file, or a folder's contents, to an absolute path in the container.</summary>
    public static Task UploadAsync(
        DockerClient client,
        string container,
        string localPath,
        string remotePath,
        CancellationToken ct
    )
    {
        if (File.Exists(localPath))
            return PutAsync(client, container, tar => tar.WriteEntry(localPath, Relative(remotePath)), ct);
        if (!Directory.Exists(localPath))
            throw new FileNotFoundException($"nothing to upload at {localPath}", localPath);
        return PutAsync(
            client,
            container,
            tar =>
            {
                foreach (var file in Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(localPath, file).Replace('\\', '/');
                    tar.WriteEntry(file, $"{Relative(remotePath).TrimEnd('/')}/{relative}");
                }
            },
            ct
        );
    }

    /// <summary>Copies a file out of the container; false when it does not exist there.</summary>
    public static async Task<bool> FetchAsync(
        DockerClient client,
        string container,
        string path,
        string localPath,
        CancellationToken ct
    )
    {
        GetArchiveFromContainerResponse archive;
        try
        {
            archive = await client.Containers.GetArchiveFromContainerAsync(
                container,
                new GetArchiveFromContainerParameters { Path = path },
                false,
                ct
            );
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        // The archive is read whole, in large reads, before it is unpacked: the client's chunked stream fails
        // the small and empty reads a tar reader makes. It goes to a file beside the target, not to memory (logs can be
        // large).
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localPath))!);
        var tar = localPath + ".tar.partial";
        try
        {
            await using (var stream = archive.Stream)
            await using (var file = File.Create(tar))
                await stream.CopyToAsync(file, 1 << 20, ct);
            await using var reader = new TarReader(File.OpenRead(tar));
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    continue;
                await using var target = File.Create(localPath);
                if (entry.DataStream is { } data)
                    await data.CopyToAsync(target, ct);
                return true;
            }
            return false;
        }
        finally
        {
            File.Delete(tar);
        }
    }

    /// <summary>Builds a tar in memory and has the daemon unpack it at the container's root.</summary>
    static async Task PutAsync(DockerClient client, string container, Action<TarWriter> write, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
            write(tar);
        buffer.Position = 0;
        await client.Containers.ExtractArchiveToContainerAsync(
            container,
            new ContainerPathStatParameters { Path = "/" },
            buffer,
            ct
        );
    }

    static string Relative(string absolute) =>
        absolute.StartsWith('/')
            ? absolute.TrimStart('/')
            : throw new ArgumentException($"a path in a container must be absolute, not '{absolute}'");
}
