using Checker.Core.History;

namespace Checker.Core.Models;

/// <summary>
/// Knossos and Checker read an ok read of nil differently in the register models: Knossos takes it as a
/// read whose value nobody knows (it fits any state), Checker as a read that found nil. The two readings
/// can give different verdicts only on a history that has such reads; this finds them.
/// </summary>
public static class NilReads
{
    /// <summary>How many ok reads of nil the history has that the two readings take differently (0 for other
    /// models).</summary>
    public static int Count(string model, IEnumerable<Operation> ops)
    {
        if (!ModelCatalog.HasNilReads(model))
            return 0;
        var n = 0;
        foreach (var o in ops)
        {
            if (o.Crashed)
                continue;
            if (o.F == "read" && o.Output is null)
                n++;
            else if (o.F == "txn" && o.Output is IList<object?> micro)
                n += micro.Count(m =>
                    m is IList<object?> { Count: 3 } t && Names.Of(t[0]) is "r" or "read" && t[2] is null
                );
        }
        return n;
    }
}
