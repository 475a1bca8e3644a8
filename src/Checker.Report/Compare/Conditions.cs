using System.Globalization;
using Newtonsoft.Json.Linq;

namespace Checker.Report.Compare;

/// <summary>
/// What a run ran on, as its results.json recorded it ("conditions"): the machine's load average at the
/// start and end (1, 5, 15 minutes), its cores, the node kind and provider, local nodes' isolation, the
/// network and Checker's version. Known is false for a results.json written before Checker recorded them;
/// the provider and network it did record at the top are still read.
/// </summary>
public sealed record Conditions(
    bool Known,
    double[]? LoadAtStart,
    double[]? LoadAtEnd,
    int? Cores,
    string? NodeKind,
    string? Provider,
    string? Isolation,
    string? Network,
    string? Kernel,
    string? Checker
)
{
    /// <summary>Two runs' loads differ when one is more than this times the other...</summary>
    public const double LoadFactor = 1.5;

    /// <summary>...and they are more than this far apart per core (an idle 0.1 against 0.3 is no difference).</summary>
    public const double LoadPerCore = 0.5;

    public const string Rule =
        "Conditions differ when the node kind, provider, isolation, network or cores differ, or when the runs' "
        + "loads (the mean of the 1-minute load average at start and end) differ by more than 1.5× and by more "
        + "than 0.5 per core.";

    /// <summary>The run's load: the mean of the 1-minute load average at start and end (or the one known).</summary>
    public double? Load =>
        (LoadAtStart?[0], LoadAtEnd?[0]) switch
        {
            ({ } s, { } e) => (s + e) / 2,
            ({ } s, null) => s,
            (null, { } e) => e,
            _ => null,
        };

    public static Conditions Read(JObject results)
    {
        var c = results["conditions"] as JObject;
        return new Conditions(
            c is not null,
            Loads(c?["loadAtStart"]),
            Loads(c?["loadAtEnd"]),
            (int?)c?["cores"],
            Str(c?["nodeKind"]),
            Str(c?["provider"]) ?? Str(results["nodes"]),
            Str(c?["isolation"]),
            Str(c?["network"]) ?? Str(results["network"]),
            Str(c?["kernel"]),
            Str(c?["checker"])
        );
    }

    static string? Str(JToken? t) => t?.Type == JTokenType.String ? (string?)t : null;

    static double[]? Loads(JToken? t) =>
        t is JArray { Count: >= 3 } a && a.Take(3).All(x => x.Type is JTokenType.Float or JTokenType.Integer)
            ? a.Take(3).Select(x => (double)x).ToArray()
            : null;

    public const string Unknown = "conditions unknown for";

    /// <summary>How two runs' conditions differ, one plain sentence each; empty when they match.</summary>
    public static List<string> Differences(Conditions a, Conditions b)
    {
        var found = new List<string>();
        if (!a.Known || !b.Known)
        {
            var which =
                !a.Known && !b.Known ? "A and B"
                : !a.Known ? "A"
                : "B";
            found.Add(
                $"{Unknown} {which} (results.json from before Checker recorded the machine's "
                    + "load and the nodes): whether the machine differed cannot be told"
            );
        }
        void Compare(string what, string? x, string? y)
        {
            if (x is not null && y is not null && x != y)
                found.Add($"{what}: {x} against {y}");
        }
        Compare("node kind", a.NodeKind, b.NodeKind);
        if (a.NodeKind is null || b.NodeKind is null)
            Compare("nodes", a.Provider, b.Provider);
        Compare("isolation", a.Isolation, b.Isolation);
        Compare("network", a.Network, b.Network);
        Compare("cores", Int(a.Cores), Int(b.Cores));
        if (a.Load is { } la && b.Load is { } lb && LoadsDiffer(la, lb, Math.Max(a.Cores ?? 1, b.Cores ?? 1)))
        {
            var apart = Math.Max(la, lb) / Math.Max(Math.Min(la, lb), 0.01);
            found.Add(
                $"machine load: {Num(la)} against {Num(lb)} ({Num(apart)}× apart; "
                    + $"more than {Num(LoadFactor)}× and {Num(LoadPerCore)} per core)"
            );
        }
        return found;
    }

    /// <summary>The load rule: more than LoadFactor times and more than LoadPerCore per core apart.</summary>
    public static bool LoadsDiffer(double a, double b, int cores)
    {
        var (lo, hi) = (Math.Min(a, b), Math.Max(a, b));
        return hi > LoadFactor * lo && hi - lo > LoadPerCore * cores;
    }

    /// <summary>The figures side by side, each as (figure, A, B); "unknown" where a run did not record it.</summary>
    public static IEnumerable<(string Figure, string A, string B)> Rows(Conditions a, Conditions b)
    {
        yield return ("node kind", a.NodeKind ?? a.Provider ?? "unknown", b.NodeKind ?? b.Provider ?? "unknown");
        yield return ("isolation", IsolationText(a), IsolationText(b));
        yield return ("network", a.Network ?? "unknown", b.Network ?? "unknown");
        yield return ("cores", Int(a.Cores) ?? "unknown", Int(b.Cores) ?? "unknown");
        yield return ("load average at start (1, 5, 15 min)", LoadsText(a.LoadAtStart), LoadsText(b.LoadAtStart));
        yield return ("load average at end (1, 5, 15 min)", LoadsText(a.LoadAtEnd), LoadsText(b.LoadAtEnd));
        yield return ("kernel", a.Kernel ?? "unknown", b.Kernel ?? "unknown");
        yield return ("Checker", a.Checker ?? "unknown", b.Checker ?? "unknown");
    }

    static string IsolationText(Conditions c) => c.Isolation ?? (c.Known ? "-" : "unknown");

    static string LoadsText(double[]? l) => l is null ? "unknown" : string.Join(" ", l.Select(Num));

    static string? Int(int? v) => v?.ToString(CultureInfo.InvariantCulture);

    static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
