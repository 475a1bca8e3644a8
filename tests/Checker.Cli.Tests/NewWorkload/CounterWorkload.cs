using Checker.Core.Checks;
using Checker.Core.Workloads;
using Checker.Runner.Databases;
using Checker.Runner.Workloads;

namespace Checker.Cli.Tests.NewWorkload;

/// <summary>The counter workload's fields in the spec's workload section.</summary>
public sealed class CounterSettings : ISpecSettings
{
    public double AddWeight { get; set; } = 3;
    public double ReadWeight { get; set; } = 1;

    public string? Problem() =>
        AddWeight <= 0 ? "field 'workload.addWeight' must be positive"
        : ReadWeight < 0 ? "field 'workload.readWeight' must not be negative"
        : null;
}

/// <summary>Adds of 1 to 5 and reads of the whole counter; the final phase reads. What goes to the runner.</summary>
public sealed class CounterWorkload(CounterSettings settings) : IWorkload
{
    public WorkloadDescriptor Descriptor => CounterChecker.Workload;

    public Invocation Next(int worker, Random random) =>
        random.NextDouble() * (settings.AddWeight + settings.ReadWeight) < settings.ReadWeight
            ? new Invocation(CounterChecker.Read, null, null)
            : new Invocation(CounterChecker.Add, null, (long)random.Next(1, 6));

    public Invocation? Final(int worker, int n) => new(CounterChecker.Read, null, null);

    public IReadOnlyList<IChecker> Checkers(WorkloadCheckOptions options) =>
        [Descriptor.CreateChecker(new(options.Source))];
}
