using Checker.Core.Checks;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Runner.Workloads;

/// <summary>The register workload's fields: keys, the values written, and the op mix.</summary>
public class RegisterSettings : Databases.ISpecSettings
{
    public int Keys { get; set; } = 8;

    /// <summary>Values written are drawn from 0..values-1 (few values make cas succeed often).</summary>
    public int Values { get; set; } = 5;
    public double ReadWeight { get; set; } = 2;
    public double WriteWeight { get; set; } = 1;
    public double CasWeight { get; set; } = 1;

    /// <summary>The problem with the fields, naming one, or null.</summary>
    public virtual string? Problem() =>
        Keys < 1 ? "field 'workload.keys' must be at least 1"
        : Values < 1 ? "field 'workload.values' must be at least 1"
        : ReadWeight < 0 || WriteWeight < 0 || CasWeight < 0
            ? "field 'workload.readWeight' weights must not be negative"
        : ReadWeight + WriteWeight + CasWeight <= 0 ? "field 'workload.readWeight' at least one weight must be positive"
        : null;
}

/// <summary>
/// Register operations over independent keys: read (value null), write v, cas [from to]; values are
/// small integers so compare-and-set often succeeds. Checked per key with the cas-register model
/// (initial value nil: the database must start each key empty). The final phase reads every key.
/// </summary>
public sealed class RegisterWorkload(RegisterSettings settings) : IWorkload
{
    public const string Read = "read",
        Write = "write",
        Cas = "cas";

    public Core.Workloads.WorkloadDescriptor Descriptor => Core.Workloads.BuiltInWorkloads.Register;

    public Invocation Next(int worker, Random random)
    {
        long key = random.Next(settings.Keys);
        var total = settings.ReadWeight + settings.WriteWeight + settings.CasWeight;
        var x = random.NextDouble() * total;
        if (x < settings.ReadWeight)
            return new Invocation(Read, key, null);
        if (x < settings.ReadWeight + settings.WriteWeight)
            return new Invocation(Write, key, (long)random.Next(settings.Values));
        return new Invocation(
            Cas,
            key,
            new List<object?> { (long)random.Next(settings.Values), (long)random.Next(settings.Values) }
        );
    }

    /// <summary>Reads every key in turn, for as long as the final phase lasts.</summary>
    public Invocation? Final(int worker, int n) => new(Read, (long)((worker + n) % settings.Keys), null);

    /// <summary>A register's failed read said in words: who read what, and what the register could hold then.</summary>
    public static string? StaleRead(CheckResult r) =>
        r.Verdict == Verdict.Invalid && r.Details is LinearizabilityReport { Failure: { Failed.F: Read } f }
            ? $"stale read: process {f.Failed.Process} read {Core.History.Values.Format(f.Failed.Output)} from "
                + $"key {Core.History.Values.Format(f.Key)} "
                + $"(op {f.Failed.InvokeIndex}), but by then the register could only hold "
                + $"{string.Join(" or ", f.States)}"
            : null;

    public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) =>
        [
            new LinearizabilityChecker(
                ModelCatalog.Create(Descriptor.Model!, null),
                new LinearizabilityOptions
                {
                    Timeout = options.Timeout,
                    SplitByKey = true,
                    Source = options.Source,
                }
            ),
        ];
}
