using System.Globalization;
using System.Net;
using Checker.Runner.Net;

namespace Checker.Nodes.Net;

/// <summary>
/// Which local TCP endpoints are listening, asked of the kernel (sock_diag over netlink, which lists
/// only listening sockets and costs microseconds; /proc/net/tcp where netlink is refused, which costs
/// milliseconds on a busy host) every few milliseconds while anyone asks. The fault proxy listens for a node only while
/// the node
/// itself does, so that a connect to a dead or not-yet-listening port is refused, as it would be
/// without a proxy (a proxy that accepted and then reset such connections changed how ZooKeeper
/// recovered from a killed leader).
/// </summary>
internal static class ListeningSockets
{
    static readonly TimeSpan Period = TimeSpan.FromMilliseconds(5);
    static readonly object Gate = new();
    static HashSet<IPEndPoint> listening = [];
    static int subscribers;
    static Timer? timer;
    static event Action? Changed;

    /// <summary>True when something listens on the endpoint (or on its port on every address).</summary>
    public static bool IsListening(IPEndPoint endpoint)
    {
        var now = Volatile.Read(ref listening);
        return now.Contains(endpoint)
            || now.Contains(new IPEndPoint(IPAddress.Any, endpoint.Port))
            || now.Contains(new IPEndPoint(IPAddress.IPv6Any, endpoint.Port));
    }

    /// <summary>Calls onChange after every poll that saw a change, until the returned handle is disposed.</summary>
    public static IDisposable Watch(Action onChange)
    {
        lock (Gate)
        {
            Changed += onChange;
            if (subscribers++ == 0)
                timer = new Timer(Poll, null, Period, Period);
        }
        Refresh(); // the caller decides from what is true now, not from an earlier poll
        return new Subscription(onChange);
    }

    sealed class Subscription(Action onChange) : IDisposable
    {
        int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1)
                return;
            lock (Gate)
            {
                Changed -= onChange;
                if (--subscribers == 0)
                {
                    timer?.Dispose();
                    timer = null;
                }
            }
        }
    }

    static readonly object Polling = new();

    /// <summary>A timer's poll; skipped while another one runs.</summary>
    static void Poll(object? _)
    {
        if (!Monitor.TryEnter(Polling))
            return;
        try
        {
            Update();
        }
        finally
        {
            Monitor.Exit(Polling);
        }
    }

    /// <summary>Reads the tables now, waiting for a poll under way.</summary>
    public static void Refresh()
    {
        lock (Polling)
            Update();
    }

    static bool netlinkRefused;

    static void Update()
    {
        HashSet<IPEndPoint>? now = null;
        if (!netlinkRefused)
        {
            now = SockDiag.Listening();
            netlinkRefused = now is null;
        }
        if (now is null)
        {
            now = Read("/proc/net/tcp", ipv6: false);
            now.UnionWith(Read("/proc/net/tcp6", ipv6: true));
        }
        if (now.SetEquals(Volatile.Read(ref listening)))
            return;
        Volatile.Write(ref listening, now);
        Changed?.Invoke();
    }

    /// <summary>The listening endpoints of one table; IPv4-mapped IPv6 addresses are given as IPv4.</summary>
    static HashSet<IPEndPoint> Read(string table, bool ipv6)
    {
        var found = new HashSet<IPEndPoint>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(table);
        }
        catch (IOException)
        {
            return found;
        }
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != "0A")
                continue; // 0A: TCP_LISTEN
            var colon = fields[1].IndexOf(':');
            var port = int.Parse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            found.Add(new IPEndPoint(ParseAddress(fields[1][..colon], ipv6), port));
        }
        return found;
    }

    /// <summary>The kernel prints each 32-bit word of the address in host (little-endian) order.</summary>
    static IPAddress ParseAddress(string hex, bool ipv6)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        for (var i = 0; i < 4; i++)
            bytes[word * 4 + i] = byte.Parse(
                hex.AsSpan(word * 8 + (3 - i) * 2, 2),
                NumberStyles.HexNumber,
                CultureInfo.InvariantCulture
            );
        var address = new IPAddress(bytes);
        return ipv6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
