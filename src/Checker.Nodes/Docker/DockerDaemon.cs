using System.Net.Http;
using System.Net.Sockets;
using Checker.Runner.Nodes;
using Docker.DotNet;

namespace Checker.Nodes.Docker;

/// <summary>Why Docker nodes cannot be had: no daemon, no permission, no image, a container that would not
/// start.</summary>
public sealed class DockerNodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The Docker daemon Checker talks to: DOCKER_HOST, or the local socket. Docker nodes are wired into
/// a bridge on this machine through their network namespaces, so the daemon must be local (a unix socket).
/// </summary>
public static class DockerDaemon
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>DOCKER_HOST when set, else the local socket.</summary>
    public static string Endpoint =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultEndpoint;

    /// <summary>
    /// A client for the daemon at endpoint, after a ping has answered; otherwise a DockerNodeException
    /// that says what is wrong in one line (no daemon there, no permission, not a local socket).
    /// </summary>
    public static async Task<DockerClient> ConnectAsync(string endpoint, CancellationToken ct)
    {
        if (!endpoint.StartsWith("unix://", StringComparison.Ordinal))
            throw new DockerNodeException(
                $"Docker nodes need a daemon on this machine reached by a unix socket; DOCKER_HOST={endpoint} is "
                    + $"not one"
            );
        var socket = endpoint["unix://".Length..];
        if (!File.Exists(socket))
            throw new DockerNodeException(
                $"no Docker daemon at {endpoint} (no such socket): start dockerd, or set DOCKER_HOST to its socket"
            );
        // Long requests (an image import) are bounded by the caller's cancellation, not by a client timeout.
        var client = new DockerClientConfiguration(
            new Uri(endpoint),
            defaultTimeout: Timeout.InfiniteTimeSpan
        ).CreateClient();
        try
        {
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ping.CancelAfter(TimeSpan.FromSeconds(20));
            await client.System.PingAsync(ping.Token);
            return client;
        }
        catch (Exception e)
            when (e
                    is HttpRequestException
                        or SocketException
                        or IOException
                        or DockerApiException
                        or UnauthorizedAccessException
                || e is OperationCanceledException && !ct.IsCancellationRequested
            )
        {
            client.Dispose();
            throw new DockerNodeException(Explain(endpoint, e), e);
        }
    }

    static string Explain(string endpoint, Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException { SocketErrorCode: SocketError.AccessDenied } || x is UnauthorizedAccessException)
                return $"no permission to use the Docker daemon at {endpoint}: run as root or as a member of the "
                    + $"docker group";
            if (
                x is SocketException
                {
                    SocketErrorCode: SocketError.ConnectionRefused or SocketError.AddressNotAvailable
                }
            )
                return $"no Docker daemon answers at {endpoint} (connection refused): start dockerd, or set "
                    + $"DOCKER_HOST to its socket";
        }
        if (e is OperationCanceledException)
            return $"the Docker daemon at {endpoint} did not answer a ping within 20 s";
        return $"the Docker daemon at {endpoint} cannot be used: {e.GetBaseException().Message}";
    }

    /// <summary>The daemon's own words from an API error (its JSON "message"), for one-line messages.</summary>
    public static string MessageOf(DockerApiException e)
    {
        try
        {
            if (Newtonsoft.Json.Linq.JObject.Parse(e.ResponseBody)["message"]?.ToString() is { Length: > 0 } m)
                return m;
        }
        catch (Newtonsoft.Json.JsonException) { }
        return string.IsNullOrWhiteSpace(e.ResponseBody) ? e.StatusCode.ToString() : e.ResponseBody.Trim();
    }
}
