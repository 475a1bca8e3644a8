using System.Net.Sockets;
using System.Text;

namespace Checker.ZooKeeper;

/// <summary>
/// ZooKeeper's plain-text admin commands on the client port (`srvr`, `ruok`, `isro`, `mntr`...);
/// the servers this project starts enable all of them (4lw.commands.whitelist=*).
/// </summary>
public static class ZooKeeperFourLetterWords
{
    /// <summary>
    /// Sends <paramref name="word"/> and returns the whole reply; "" when unreachable or timed out.
    /// Cancelling <paramref name="ct"/> throws, so a caller's polling loop stops.
    /// </summary>
    public static async Task<string> SendAsync(
        string host,
        int port,
        string word,
        TimeSpan? timeout = null,
        CancellationToken ct = default
    )
    {
        try
        {
            using var client = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(2));
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(word), cts.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadToEndAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
            when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return "";
        }
    }

    /// <summary>
    /// The server's role from `srvr` ("standalone", "leader", "follower", "read-only"...), or null
    /// while it is unreachable or not serving (e.g. during leader election).
    /// </summary>
    public static async Task<string?> ModeAsync(
        string host,
        int port,
        TimeSpan? timeout = null,
        CancellationToken ct = default
    )
    {
        var srvr = await SendAsync(host, port, "srvr", timeout, ct).ConfigureAwait(false);
        var line = srvr.Split('\n').FirstOrDefault(l => l.StartsWith("Mode: ", StringComparison.Ordinal));
        return line?["Mode: ".Length..].Trim();
    }
}
