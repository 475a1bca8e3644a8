using System.Globalization;
using System.Text;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper;

/// <summary>
/// How a ZooKeeper error becomes an outcome, the same for every workload: the client library already
/// sorts errors into definite (ZooKeeperException: the server refused it, or it was never sent) and
/// indeterminate (ZooKeeperIndeterminateException: timeout, connection lost after sending, a server
/// error that does not tell). A change that ends indeterminate is info; a read changes nothing, so
/// any error on it is a plain fail.
/// </summary>
internal static class ZooKeeperOutcomes
{
    /// <summary>True for the errors the client library reports for a request (the two families above).</summary>
    public static bool IsRequestError(Exception e) => e is ZooKeeperException or ZooKeeperIndeterminateException;

    /// <summary>The completion of a change (create, delete, set, multi) that threw e.</summary>
    public static Completion ForChange(Exception e) =>
        e is ZooKeeperIndeterminateException ? Completion.Info(Describe(e)) : Completion.Fail(Describe(e));

    /// <summary>The completion of a read that threw e: nothing changed, so fail.</summary>
    public static Completion ForRead(Exception e, string? step = null) =>
        Completion.Fail(step is null ? Describe(e) : $"{step}: {Describe(e)}");

    /// <summary>The error as the history records it: the server's code, or why the outcome is unknown.</summary>
    public static string Describe(Exception e) =>
        e switch
        {
            ZooKeeperIndeterminateException i => $"{i.Reason}: {e.Message}",
            ZooKeeperException z => $"{z.Code}",
            _ => e.Message,
        };

    /// <summary>
    /// A number as a znode's data: decimal text, then, to make the znode weigh `size` bytes, a newline and
    /// padding (big znodes make big snapshots, which take long to send to a syncing follower).
    /// </summary>
    public static byte[] Encode(long v, int size = 0)
    {
        var text = Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture));
        if (size <= text.Length + 1)
            return text;
        var data = new byte[size];
        Array.Fill(data, (byte)'.');
        text.CopyTo(data, 0);
        data[text.Length] = (byte)'\n';
        return data;
    }

    /// <summary>A znode's data back as a number (the text before any padding); empty data is null.</summary>
    public static long? Decode(byte[] data)
    {
        if (data.Length == 0)
            return null;
        var end = Array.IndexOf(data, (byte)'\n');
        return long.Parse(Encoding.ASCII.GetString(data, 0, end < 0 ? data.Length : end), CultureInfo.InvariantCulture);
    }
}
