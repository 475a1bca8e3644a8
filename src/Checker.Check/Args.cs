namespace Checker.Check;

/// <summary>A small command-line parser: positional arguments and --name value / --flag options.</summary>
public sealed class Args
{
    readonly Dictionary<string, string?> options = [];
    readonly HashSet<string> used = [];

    public List<string> Positional { get; } = [];

    /// <summary>Parses args; flags (options without a value) must be listed.</summary>
    public Args(IEnumerable<string> args, params string[] flags)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--") || a == "--")
            {
                Positional.Add(a);
                continue;
            }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (eq > 0)
                options[name] = a[(eq + 1)..];
            else if (flags.Contains(name))
                options[name] = null;
            else if (i + 1 < list.Count)
                options[name] = list[++i];
            else
                throw new UsageException($"option --{name} needs a value");
        }
    }

    public bool Flag(string name)
    {
        used.Add(name);
        return options.ContainsKey(name);
    }

    public string? Get(string name)
    {
        used.Add(name);
        return options.GetValueOrDefault(name);
    }

    /// <summary>A number of seconds: positive, or also zero where zero means "off".</summary>
    public double? Seconds(string name, bool zeroAllowed = false)
    {
        var v = Get(name);
        if (v is null)
            return null;
        return
            double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var s)
            && (s > 0 || (zeroAllowed && s == 0))
            ? s
            : throw new UsageException(
                $"--{name} needs a {(zeroAllowed ? "non-negative" : "positive")} number of seconds, not '{v}'"
            );
    }

    /// <summary>
    /// A limit in seconds (see Seconds). One of thousands of years or more (1e300, Infinity) means no limit:
    /// TimeSpan.MaxValue, which every consumer reads as "never".
    /// </summary>
    public TimeSpan? Limit(string name, bool zeroAllowed = false) =>
        Seconds(name, zeroAllowed) is not { } s ? null
        : s * TimeSpan.TicksPerSecond >= 4e18 ? TimeSpan.MaxValue
        : TimeSpan.FromTicks((long)Math.Round(s * TimeSpan.TicksPerSecond));

    /// <summary>A whole number in [min, max]; `what` names it in the error ("a positive number of
    /// megabytes").</summary>
    public long? Integer(string name, long min, long max, string what)
    {
        var v = Get(name);
        if (v is null)
            return null;
        return
            long.TryParse(
                v,
                System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture,
                out var n
            )
            && n >= min
            && n <= max
            ? n
            : throw new UsageException($"--{name} needs {what}, not '{v}'");
    }

    /// <summary>Options given but never asked for, with their values (for commands that pass them on).</summary>
    public List<KeyValuePair<string, string>> Unused() =>
        options.Where(o => !used.Contains(o.Key)).Select(o => KeyValuePair.Create(o.Key, o.Value ?? "")).ToList();

    /// <summary>Options given but never asked for: typos the user should hear about.</summary>
    public void RejectUnknown()
    {
        var unknown = options.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown option --{unknown[0]}");
    }
}

/// <summary>A mistake in how the command was called.</summary>
public sealed class UsageException(string message) : Exception(message);
