using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Checker.Nodes.Hosts;

/// <summary>
/// Real sockets that live in a network namespace: a dedicated thread enters the namespace (setns
/// changes only the calling thread), creates the socket, and returns; the socket stays in the
/// namespace it was made in, and may then be used from any thread.
/// </summary>
internal static partial class NetnsSockets
{
    const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    public static Socket Create(NetNamespace ns)
    {
        var path = ns.Name is { } name ? $"/run/netns/{name}" : $"/proc/{ns.Pid}/ns/net";
        Socket? made = null;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try
            {
                using var own = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(path);
                if (setns((int)target.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new IOException($"setns {path}: errno {Marshal.GetLastPInvokeError()}");
                try
                {
                    made = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                }
                finally
                {
                    if (setns((int)own.DangerousGetHandle(), CloneNewNet) != 0)
                        Environment.FailFast("cannot leave a network namespace");
                }
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        t.Start();
        t.Join();
        return made ?? throw error!;
    }

    /// <summary>A listening socket on address:port inside the namespace.</summary>
    public static Socket Listen(NetNamespace ns, string address, int port)
    {
        var s = Create(ns);
        s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        s.Listen(64);
        return s;
    }

    /// <summary>Starts a connect from inside the namespace (the returned task completes when it does).</summary>
    public static (Socket Socket, Task Connect) Connect(NetNamespace ns, string address, int port)
    {
        var s = Create(ns);
        return (s, s.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), port)));
    }
}
