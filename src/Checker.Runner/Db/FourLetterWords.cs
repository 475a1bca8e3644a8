using System.Net.Sockets;
using System.Text;

namespace Checker.Runner.Db;

/// <summary>ZooKeeper's four-letter admin words over the client port (they must be whitelisted in zoo.cfg).</summary>
public static class FourLetterWords
{
    /// <summary>Sends the word and returns the server's whole answer, or null if it cannot be reached in time.</summary>
    public static async Task<string?> AskAsync(string host, int port, string word, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(word), cts.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(cts.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The "Mode:" line of srvr: leader, follower, standalone, or null when the node does not serve.</summary>
    public static async Task<string?> ModeAsync(string host, int port, CancellationToken ct)
    {
        var answer = await AskAsync(host, port, "srvr", TimeSpan.FromSeconds(1), ct);
        if (answer is null) return null;
        foreach (var line in answer.Split('\n'))
            if (line.StartsWith("Mode:", StringComparison.Ordinal)) return line["Mode:".Length..].Trim();
        return null; // "This ZooKeeper instance is not currently serving requests"
    }
}
