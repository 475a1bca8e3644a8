using System.Net;
using System.Net.Sockets;
using Checker.ZooKeeper.Protocol;

namespace Checker.ZooKeeper.Tests.Infrastructure;

/// <summary>
/// A loopback TCP listener that plays a scripted (mis)behaving ZooKeeper server for one connection.
/// Used only where a real server cannot produce the bytes under test (garbage, truncation).
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task serve;

    /// <summary>Starts listening; <paramref name="script"/> runs on the accepted connection, which is closed when it returns.</summary>
    public FakeServer(Func<NetworkStream, CancellationToken, Task> script)
    {
        this.listener.Start();
        serve = Task.Run(async () =>
        {
            using var client = await this.listener.AcceptTcpClientAsync(stop.Token);
            try { await script(client.GetStream(), stop.Token); }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
        });
    }

    /// <summary>Address to connect to.</summary>
    public string Host => "127.0.0.1";
    /// <summary>Port to connect to.</summary>
    public int Port => ((IPEndPoint)this.listener.LocalEndpoint).Port;

    /// <summary>Reads the client's ConnectRequest and answers with a valid ConnectResponse.</summary>
    public static async Task<ConnectRequest> HandshakeAsync(Stream s, CancellationToken ct, int timeoutMs = 30_000)
    {
        var request = ConnectRequest.Read(new JuteReader((await FrameReader.ReadAsync(s, 1 << 20, ct))!));
        await WriteFrameAsync(s, w => new ConnectResponse(0, timeoutMs, 0x1234, new byte[16], false).Write(w), ct);
        return request;
    }

    /// <summary>Reads one request frame: its header and a reader over its body.</summary>
    public static async Task<(RequestHeader Header, JuteReader Body)> ReadRequestAsync(Stream s, CancellationToken ct)
    {
        var reader = new JuteReader((await FrameReader.ReadAsync(s, 1 << 20, ct))!);
        return (RequestHeader.Read(reader), reader);
    }

    /// <summary>Writes a correctly length-prefixed frame.</summary>
    public static async Task WriteFrameAsync(Stream s, Action<JuteWriter> body, CancellationToken ct)
    {
        var w = new JuteWriter();
        w.BeginFrame();
        body(w);
        w.EndFrame();
        await s.WriteAsync(w.Written, ct);
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        this.listener.Stop();
        try { await serve; } catch (Exception) { }
    }
}
