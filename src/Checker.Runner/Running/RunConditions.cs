using System.Globalization;
using System.Reflection;
using Checker.Runner.Spec;

namespace Checker.Runner.Running;

/// <summary>
/// What a run ran on, recorded in results.json as "conditions" so two runs' speeds are compared knowing
/// whether the machine was the same: the load average at the start (before any node) and at the end
/// (after teardown, before the checks), the cores, the node kind and provider, the isolation of local
/// nodes, the network, the kernel, and Checker's own version. A figure the machine does not give is null.
/// </summary>
internal static class RunConditions
{
    public const string Field = "conditions";

    /// <summary>The conditions known before anything starts.</summary>
    public static Dictionary<string, object?> AtStart(TestSpec spec) =>
        new()
        {
            ["loadAtStart"] = LoadAverage(),
            ["cores"] = Environment.ProcessorCount,
            ["provider"] = spec.Nodes.Provider,
            // A provider's isolation field, where it has one (local nodes: proxy or netns).
            ["isolation"] = Nodes.NodeProviders.Field(spec.Nodes, "isolation")?.ToString(),
            ["nodeCount"] = spec.Nodes.Count,
            ["kernel"] = ReadLine("/proc/sys/kernel/osrelease"),
            ["checker"] = typeof(RunConditions)
                .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
                ?.InformationalVersion,
        };

    /// <summary>Adds what the run learned (the nodes' kind, the network's) and the load at its end.</summary>
    public static void AtEnd(Dictionary<string, object?> extra, string? nodeKind, string? network)
    {
        if (extra.GetValueOrDefault(Field) is not Dictionary<string, object?> conditions)
            return;
        conditions["loadAtEnd"] = LoadAverage();
        conditions["nodeKind"] = nodeKind;
        conditions["network"] = network;
    }

    /// <summary>/proc/loadavg's 1, 5 and 15 minute load averages; null where there is no such file.</summary>
    public static double[]? LoadAverage(string path = "/proc/loadavg")
    {
        var fields = ReadLine(path)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: >= 3 })
            return null;
        var loads = new double[3];
        for (var i = 0; i < 3; i++)
            if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out loads[i]))
                return null;
        return loads;
    }

    static string? ReadLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
