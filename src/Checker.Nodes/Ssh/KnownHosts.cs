using System.Security.Cryptography;
using System.Text;
using Checker.Runner.Nodes;

namespace Checker.Nodes.Ssh;

/// <summary>What known_hosts says about a host key offered by a server.</summary>
internal enum HostKeyVerdict
{
    Known,
    Unknown,
    Changed,
}

/// <summary>
/// An OpenSSH known_hosts file: lines of "hosts keytype base64-key", where hosts is a comma list of
/// names, "[name]:port" for a port other than 22, hashed names (|1|salt|hmac-sha1), or patterns
/// with * and ?. A host whose entries name other keys than the one offered has changed its key,
/// which is refused as OpenSSH refuses it. Markers (@cert-authority, @revoked) are not trusted.
/// </summary>
internal sealed class KnownHosts(string path)
{
    readonly object gate = new();

    public string Path { get; } = path;

    /// <summary>OpenSSH's name for a host in known_hosts.</summary>
    public static string HostName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>The key types known_hosts lists for the host (to offer only those algorithms).</summary>
    public IReadOnlyList<string> KeyTypes(string host, int port) =>
        Entries(host, port).Select(e => e.Type).Distinct().ToList();

    public HostKeyVerdict Check(string host, int port, byte[] key)
    {
        var entries = Entries(host, port);
        if (entries.Any(e => e.Key.AsSpan().SequenceEqual(key)))
            return HostKeyVerdict.Known;
        return entries.Count == 0 ? HostKeyVerdict.Unknown : HostKeyVerdict.Changed;
    }

    /// <summary>Writes a newly trusted key down (accept-new).</summary>
    public void Add(string host, int port, byte[] key)
    {
        lock (gate)
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            Directory.CreateDirectory(dir);
            File.AppendAllText(Path, $"{HostName(host, port)} {KeyType(key)} {Convert.ToBase64String(key)}\n");
        }
    }

    /// <summary>The key type a public key blob names (its first SSH string).</summary>
    public static string KeyType(byte[] blob)
    {
        if (blob.Length < 4)
            return "unknown";
        var n = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        return n > 0 && 4 + n <= blob.Length ? Encoding.ASCII.GetString(blob, 4, n) : "unknown";
    }

    /// <summary>OpenSSH's fingerprint of a key: SHA256:base64 without padding.</summary>
    public static string Fingerprint(byte[] key) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    List<(string Type, byte[] Key)> Entries(string host, int port)
    {
        var name = HostName(host, port);
        var found = new List<(string, byte[])>();
        string[] lines;
        lock (gate)
            lines = File.Exists(Path) ? File.ReadAllLines(Path) : [];
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '@')
                continue;
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3 || !Matches(fields[0], name))
                continue;
            try
            {
                found.Add((fields[1], Convert.FromBase64String(fields[2])));
            }
            catch (FormatException) { } // a damaged line vouches for nothing
        }
        return found;
    }

    static bool Matches(string hosts, string name)
    {
        if (hosts.StartsWith("|1|"))
            return HashedMatches(hosts, name);
        var matched = false;
        foreach (var pattern in hosts.Split(','))
        {
            if (pattern.StartsWith('!'))
            {
                if (Glob(pattern[1..], name))
                    return false;
            }
            else if (Glob(pattern, name))
                matched = true;
        }
        return matched;
    }

    static bool HashedMatches(string hashed, string name)
    {
        var parts = hashed.Split('|'); // "", "1", salt, hash
        if (parts.Length != 4)
            return false;
        try
        {
            var mac = HMACSHA1.HashData(Convert.FromBase64String(parts[2]), Encoding.ASCII.GetBytes(name));
            return CryptographicOperations.FixedTimeEquals(mac, Convert.FromBase64String(parts[3]));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    static bool Glob(string pattern, string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(
            name,
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase
        );
}
