using Checker.Nodes.Docker;
using Checker.Tests;
using Docker.DotNet;

namespace Checker.Nodes.Tests.Docker;

/// <summary>
/// One dockerd for every Docker test of this assembly, with Checker's node image on it (imported from the
/// shared cache, or built into it by the first test run of the machine). DOCKER_HOST points at it.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    internal TestDockerd Daemon { get; private set; } = null!;
    public DockerClient Client { get; private set; } = null!;
    public ImageRecipe Recipe { get; } = ImageRecipe.Default();

    /// <summary>How the image got onto this fresh daemon: imported from the cache, or built first.</summary>
    public ImageSource FirstImage { get; private set; }

    public async Task InitializeAsync()
    {
        Daemon = TestDockerd.Start();
        Environment.SetEnvironmentVariable("DOCKER_HOST", Daemon.Endpoint);
        Client = await DockerDaemon.ConnectAsync(Daemon.Endpoint, CancellationToken.None);
        FirstImage = await NodeImage.EnsureAsync(Client, Recipe, NodeImage.CacheDirectory, _ => { }, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("DOCKER_HOST", null);
        Client.Dispose();
        Daemon.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition("docker")]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>;
