using System.Collections.Immutable;

namespace Checker.Core.Workloads;

/// <summary>
/// The workloads Checker knows, by name. A new workload is its descriptor and one line in
/// <see cref="builtIn"/>; code outside Checker (an extension, a test) adds its own with <see cref="Register"/>.
/// </summary>
public static class WorkloadCatalog
{
    static readonly ImmutableList<WorkloadDescriptor> builtIn =
    [
        BuiltInWorkloads.Register,
        BuiltInWorkloads.Set,
        BuiltInWorkloads.Queue,
        BuiltInWorkloads.Mutex,
        BuiltInWorkloads.Bank,
    ];

    static ImmutableList<WorkloadDescriptor> all = builtIn;

    public static IReadOnlyList<WorkloadDescriptor> All => all;

    /// <summary>The workload of that name, or null.</summary>
    public static WorkloadDescriptor? Find(string? name) => all.FirstOrDefault(w => w.Name == name);

    /// <summary>The workloads with a checker of their own, which `checker check --workload` judges.</summary>
    public static IReadOnlyList<string> Checkable => all.Where(w => w.Checker is not null).Select(w => w.Name).ToList();

    /// <summary>Adds a workload; the same one again changes nothing, another of the same name is an error.</summary>
    public static void Register(WorkloadDescriptor workload) =>
        ImmutableInterlocked.Update(ref all, list => list.Find(w => w.Name == workload.Name) switch
            {
                null => list.Add(workload),
                var same when ReferenceEquals(same, workload) => list,
                _ => throw new ArgumentException($"a workload named '{workload.Name}' is already registered"),
            });
}
