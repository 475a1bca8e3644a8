using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Checker.Runner.Net;

namespace Checker.Nodes.Net;

/// <summary>
/// The kernel's socket diagnostics (NETLINK_SOCK_DIAG): one dump request per address family for TCP
/// sockets in the LISTEN state, answered with one inet_diag_msg per socket (see linux/inet_diag.h).
/// </summary>
static partial class SockDiag
{
    const int AfNetlink = 16,
        SockRaw = 3,
        SockCloexec = 0x80000,
        NetlinkSockDiag = 4;
    const ushort SockDiagByFamily = 20,
        NlmsgDone = 3,
        NlmsgError = 2,
        NlmFRequest = 1,
        NlmFDump = 0x300;
    const int TcpListen = 10,
        IpprotoTcp = 6,
        AfInet = 2,
        AfInet6 = 10;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(int fd, ReadOnlySpan<byte> buf, nint len, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, Span<byte> buf, nint len, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Every listening TCP endpoint, IPv4-mapped addresses given as IPv4; null when netlink is not allowed
    /// here.</summary>
    public static HashSet<IPEndPoint>? Listening()
    {
        var fd = Socket(AfNetlink, SockRaw | SockCloexec, NetlinkSockDiag);
        if (fd < 0)
            return null;
        try
        {
            var found = new HashSet<IPEndPoint>();
            foreach (var family in new[] { AfInet, AfInet6 })
                if (!Dump(fd, family, found))
                    return null;
            return found;
        }
        finally
        {
            Close(fd);
        }
    }

    static bool Dump(int fd, int family, HashSet<IPEndPoint> found)
    {
        Span<byte> request = stackalloc byte[72];
        request.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(request, 72); // nlmsg_len
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], SockDiagByFamily); // nlmsg_type
        BinaryPrimitives.WriteUInt16LittleEndian(request[6..], NlmFRequest | NlmFDump);
        request[16] = (byte)family; // sdiag_family
        request[17] = IpprotoTcp; // sdiag_protocol
        BinaryPrimitives.WriteUInt32LittleEndian(request[20..], 1u << TcpListen); // idiag_states
        if (Send(fd, request, request.Length, 0) != request.Length)
            return false; // unconnected netlink sends to the kernel

        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = (int)Recv(fd, buffer, buffer.Length, 0);
            if (n <= 0)
                return false;
            for (var at = 0; at + 16 <= n; )
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at + 4));
                if (length < 16 || at + length > n)
                    return false;
                if (type == NlmsgDone)
                    return true;
                if (type == NlmsgError)
                    return false;
                if (type == SockDiagByFamily && length >= 16 + 4 + 48)
                {
                    var msg = buffer.AsSpan(at + 16);
                    var port = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]); // id.idiag_sport
                    var address = msg[0] == AfInet ? new IPAddress(msg.Slice(8, 4)) : new IPAddress(msg.Slice(8, 16));
                    if (address.IsIPv4MappedToIPv6)
                        address = address.MapToIPv4();
                    found.Add(new IPEndPoint(address, port));
                }
                at += (length + 3) & ~3; // NLMSG_ALIGN
            }
        }
    }
}
