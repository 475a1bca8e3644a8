using Checker.Core.Linearizability;

namespace Checker.Check;

/// <summary>
/// The counterexample as text, the same wherever Checker prints it (`checker check`, the JUnit failure of
/// a run): what it is (minimal only when shrinking finished), where it starts (the states the history
/// before it allows), its operations, and why.
/// </summary>
public static class Counterexample
{
    public static void Write(TextWriter w, KeyFailure f)
    {
        w.WriteLine($"{f.Counterexample}:");
        var from = States(f.MinimalStartsFrom);
        w.WriteLine(
            f.MinimalStartsAfter is { } after
                ? $"  starting from {from}, the states possible after op {after.InvokeIndex} ({after.F})"
                : $"  starting from the initial state {from}"
        );
        foreach (var op in f.Minimal)
            w.WriteLine($"  {op}");
        w.WriteLine("  no order of these is legal, whichever other ops took effect");
    }

    public static string Text(KeyFailure f)
    {
        var w = new StringWriter();
        Write(w, f);
        return w.ToString();
    }

    /// <summary>A few states, each cut short: a kv store's whole map can run to pages.</summary>
    public static string States(IReadOnlyList<string> states)
    {
        static string Cut(string s) => s.Length <= 160 ? s : s[..157] + "...";
        var shown = string.Join(" | ", states.Take(3).Select(Cut));
        return states.Count > 3 ? $"{shown} | ({states.Count - 3} more)" : shown;
    }
}
