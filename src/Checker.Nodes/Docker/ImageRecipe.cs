using System.Security.Cryptography;
using System.Text;
using Checker.Runner.Nodes;

namespace Checker.Nodes.Docker;

/// <summary>
/// What goes into Checker's node image: a Debian root filesystem made by mmdebstrap from one suite of
/// one mirror with these packages. Its tag is a hash of all of it (and of the recipe's version), so a
/// change to any input makes a new image and an unchanged recipe reuses the old one.
/// </summary>
public sealed record ImageRecipe(string Suite, string Mirror, IReadOnlyList<string> Packages)
{
    /// <summary>Bumped whenever the way the image is made changes in a way the other inputs do not show.</summary>
    public const int Version = 1;
    public const string Repository = "checker-node";

    /// <summary>ZooKeeper 3.8 (with its JRE) and etcd 3.4 as bookworm has them; iptables and iproute2 for faults;
    /// procps for ps and kill.</summary>
    public static readonly IReadOnlyList<string> DefaultPackages =
    [
        "zookeeper",
        "etcd-server",
        "iptables",
        "iproute2",
        "procps",
    ];

    /// <summary>
    /// Documentation and translations are left out (a smaller image, a faster import); licences stay.
    /// Manual pages stay: the JRE's postinst links into /usr/share/man/man1 and fails without it.
    /// </summary>
    static readonly string[] DpkgOptions =
    [
        "path-exclude=/usr/share/doc/*",
        "path-include=/usr/share/doc/*/copyright",
        "path-exclude=/usr/share/locale/*",
    ];

    /// <summary>The image for Checker's databases, from the mirror this machine's apt uses.</summary>
    public static ImageRecipe Default() => new("bookworm", DebianMirror.Find("bookworm"), DefaultPackages);

    /// <summary>The mmdebstrap command line that writes the root filesystem to output as a tar.</summary>
    public IReadOnlyList<string> Mmdebstrap(string output) =>
        [
            "mmdebstrap",
            "--variant=apt",
            "--format=tar",
            $"--include={string.Join(',', Packages)}",
            .. DpkgOptions.Select(o => $"--dpkgopt={o}"),
            Suite,
            output,
            Mirror,
        ];

    /// <summary>SHA-256 of every input, in hex.</summary>
    public string Hash =>
        Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes($"recipe {Version}\n{string.Join('\n', Mmdebstrap("OUT"))}\n"))
        );

    /// <summary>checker-node:HASH16, the image's name on a daemon.</summary>
    public string Tag => $"{Repository}:{Hash[..16]}";

    /// <summary>The root filesystem's file name in the cache.</summary>
    public string RootfsName => $"{Repository}-{Hash[..16]}.tar";
}

/// <summary>Finds the Debian mirror this machine's apt is configured with (the only one it may be able to
/// reach).</summary>
internal static class DebianMirror
{
    /// <summary>
    /// CHECKER_DEBIAN_MIRROR if set, else the first `deb` source in /etc/apt/sources.list or
    /// /etc/apt/sources.list.d (one-line or deb822 format) that serves the suite.
    /// </summary>
    public static string Find(string suite, string aptDir = "/etc/apt")
    {
        if (Environment.GetEnvironmentVariable("CHECKER_DEBIAN_MIRROR") is { Length: > 0 } mirror)
            return mirror;
        var files = new List<string> { Path.Combine(aptDir, "sources.list") };
        var partsDir = Path.Combine(aptDir, "sources.list.d");
        if (Directory.Exists(partsDir))
            files.AddRange(
                Directory
                    .GetFiles(partsDir)
                    .Where(f => f.EndsWith(".list") || f.EndsWith(".sources"))
                    .Order(StringComparer.Ordinal)
            );
        foreach (var file in files.Where(File.Exists))
        {
            var text = File.ReadAllText(file);
            var found = file.EndsWith(".sources") ? FromDeb822(text, suite) : FromOneLine(text, suite);
            if (found is not null)
                return found;
        }
        throw new DockerNodeException(
            $"no Debian mirror serving '{suite}' in {aptDir}/sources.list or sources.list.d, to build the node "
                + $"image from: set CHECKER_DEBIAN_MIRROR to one, or name an image with nodes.image"
        );
    }

    /// <summary>"deb [options] URI SUITE COMPONENTS..." lines.</summary>
    internal static string? FromOneLine(string text, string suite)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal))
                continue;
            var rest = line[4..].Trim();
            if (rest.StartsWith('['))
                rest = rest[(rest.IndexOf(']') + 1)..].Trim();
            var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && words[1] == suite)
                return words[0];
        }
        return null;
    }

    /// <summary>Stanzas of "Types: deb", "URIs: ...", "Suites: ...", optionally "Enabled: no".</summary>
    internal static string? FromDeb822(string text, string suite)
    {
        foreach (var stanza in text.Replace("\r", "").Split("\n\n"))
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in stanza.Split('\n'))
                if (!line.StartsWith('#') && line.IndexOf(':') is > 0 and var colon)
                    fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            string Words(string key) => fields.GetValueOrDefault(key, "");
            if (Words("Enabled").Equals("no", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!Words("Types").Split(' ').Contains("deb") || !Words("Suites").Split(' ').Contains(suite))
                continue;
            if (Words("URIs").Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var uri, ..])
                return uri;
        }
        return null;
    }
}
