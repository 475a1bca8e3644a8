using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Checker.Cli.Tests;

/// <summary>
/// The lifecycle, nodes and database assemblies are internal by default: each of their public types is one that
/// another product assembly uses (its metadata references it), or one named below with the reason it is public.
/// </summary>
public class AssemblySurfaceTests
{
    static readonly string[] Split =
    [
        "Checker.Runner",
        "Checker.Nodes",
        "Checker.Databases.ZooKeeper",
        "Checker.Databases.Etcd",
    ];

    static readonly string[] Product = [.. Split, "checker", "Checker.Core", "Checker.Report", "Checker.ZooKeeper"];

    /// <summary>
    /// Public types no other product assembly references, each with why: a constant compiled into its users, the
    /// settings of a registered provider or suite (the generic base they derive from makes them public), a spec
    /// section reached through a public property, or a type the tests of another assembly drive directly.
    /// </summary>
    static readonly Dictionary<string, string> PublicForAnotherReason = new()
    {
        ["Checker.Runner.Nodes.Machines"] = "its constant is compiled into Checker.Nodes",
        ["Checker.Nodes.LocalNodeSettings"] = "LocalNodeKind's NodeKind<T> argument",
        ["Checker.Nodes.Ssh.SshNodeSettings"] = "SshNodeKind's NodeKind<T> argument",
        ["Checker.Nodes.Docker.DockerNodeSettings"] = "DockerNodeKind's NodeKind<T> argument",
        ["Checker.Databases.Etcd.EtcdSettings"] = "EtcdSuite's DatabaseSuite<,> argument",
        ["Checker.Databases.Etcd.EtcdDb"] = "EtcdSuite's DatabaseSuite<,> argument",
        ["Checker.Databases.ZooKeeper.ZooKeeperSettings"] = "ZooKeeperSuite's DatabaseSuite<,> argument",
        ["Checker.Databases.ZooKeeper.ZooKeeperDb"] = "ZooKeeperSuite's DatabaseSuite<,> argument",
        ["Checker.Runner.Databases.DbPlan"] = "what IDatabaseSuite.Plan returns",
        ["Checker.Runner.Spec.NemesisSpec"] = "TestSpec.Nemesis",
        ["Checker.Runner.Spec.WorkloadSpec"] = "TestSpec.Workload",
        ["Checker.Runner.Spec.CheckerSpec"] = "TestSpec.Checker",
        ["Checker.Runner.Spec.RecoverySpec"] = "TestSpec.Recovery",
        ["Checker.Runner.Faults.Capabilities"] = "the database and node tests ask it what a run can do",
        ["Checker.Runner.Faults.DbNeeds"] = "the database and node tests ask it what a run can do",
        ["Checker.Runner.Faults.NodeNeeds"] = "the database and node tests ask it what a run can do",
        ["Checker.Runner.Faults.FaultTable"] = "the database and node tests resolve fault names",
        ["Checker.Runner.Faults.Partitions"] = "the database and node tests and the benchmarks cut the nodes",
        ["Checker.Runner.Generation.Generator"] = "the database tests and the benchmarks drive clients",
        ["Checker.Runner.Generation.GeneratorOptions"] = "the database tests and the benchmarks drive clients",
        ["Checker.Runner.Generation.HistoryRecorder"] = "the database tests and the benchmarks record histories",
        ["Checker.Runner.Generation.Phase"] = "the etcd tests record histories",
        ["Checker.Runner.Net.Networks"] = "the database and node tests start networks",
        ["Checker.Runner.Running.RunChecks"] = "the etcd tests check recorded runs",
        ["Checker.Runner.Spec.SpecSections"] = "the database and node tests read typed settings",
        ["Checker.Runner.Spec.SpecValidator"] = "the ZooKeeper tests validate specs",
        ["Checker.Runner.Workloads.ClientModes"] = "the command's and ZooKeeper tests",
        ["Checker.Runner.Workloads.InMemoryRegisters"] = "the node tests and the benchmarks",
        ["Checker.Runner.Workloads.WorkloadCheckOptions"] = "the command's and node tests",
        ["Checker.Nodes.LocalNodeProvider"] = "the database and command tests start servers on local nodes",
        ["Checker.Nodes.NetnsNodeProvider"] = "the command's tests",
        ["Checker.Nodes.Docker.DockerNodeProvider"] = "the command's tests and the benchmarks",
        ["Checker.Nodes.Hosts.HostsState"] = "the command's tests",
        ["Checker.Nodes.Net.LoopbackSubnet"] = "the command's tests",
        ["Checker.Databases.ZooKeeper.ZooKeeperInstall"] = "the wire client's, node and command tests find ZooKeeper",
        ["Checker.Databases.ZooKeeper.ZooKeeperServerConfig"] = "the wire client's tests start servers",
        ["Checker.Databases.ZooKeeper.ZooKeeperPeer"] = "the wire client's tests start servers",
        ["Checker.Databases.ZooKeeper.ElectionHandshake"] = "the node tests proxy ZooKeeper's election port",
    };

    [Fact]
    public void Every_public_type_of_the_split_assemblies_is_used_by_another_product_assembly_or_says_why()
    {
        var used = Product.ToDictionary(a => a, ReferencedFrom);
        var unexplained = new List<string>();
        var stale = new List<string>();
        foreach (var assembly in Split)
        {
            var byOthers = Product.Where(a => a != assembly).SelectMany(a => used[a]).ToHashSet();
            foreach (var type in PublicTypes(assembly))
            {
                var referenced = byOthers.Contains((assembly, type));
                var explained = PublicForAnotherReason.ContainsKey(type);
                if (!referenced && !explained)
                    unexplained.Add(type);
                if (referenced && explained)
                    stale.Add(type);
            }
        }
        var allPublic = Split.SelectMany(PublicTypes).ToHashSet();
        stale.AddRange(PublicForAnotherReason.Keys.Where(t => !allPublic.Contains(t)));
        Assert.True(unexplained.Count == 0, "public but used by no other product assembly: " + string.Join(", ", unexplained));
        Assert.True(stale.Count == 0, "listed as public for another reason, but used or not public: " + string.Join(", ", stale));
    }

    [Fact]
    public void The_lifecycle_references_no_node_provider_and_no_database_suite()
    {
        Assert.DoesNotContain(
            References("Checker.Runner"),
            r => r is "Checker.Nodes" or "Checker.Databases.ZooKeeper" or "Checker.Databases.Etcd" or "Checker.ZooKeeper"
                or "Docker.DotNet" or "Renci.SshNet" or "dotnet-etcd");
        Assert.DoesNotContain(References("Checker.Nodes"), r => r.StartsWith("Checker.Databases.", StringComparison.Ordinal));
        Assert.DoesNotContain(References("Checker.Databases.ZooKeeper"), r => r is "Checker.Nodes" or "Checker.Databases.Etcd");
        Assert.DoesNotContain(References("Checker.Databases.Etcd"), r => r is "Checker.Nodes" or "Checker.Databases.ZooKeeper");
    }

    static PEReader Open(string assembly) =>
        new(File.OpenRead(Path.Combine(AppContext.BaseDirectory, assembly + ".dll")));

    static List<string> References(string assembly)
    {
        using var pe = Open(assembly);
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }

    /// <summary>The assembly's types that other assemblies can see (public, and nested in public types).</summary>
    static List<string> PublicTypes(string assembly)
    {
        using var pe = Open(assembly);
        var md = pe.GetMetadataReader();
        return md.TypeDefinitions.Where(h => IsPublic(md, h)).Select(h => NameOf(md, h)).Where(n => !n.Contains('<')).ToList();
    }

    /// <summary>The (assembly, type) pairs the assembly's metadata references in other assemblies.</summary>
    static HashSet<(string, string)> ReferencedFrom(string assembly)
    {
        using var pe = Open(assembly);
        var md = pe.GetMetadataReader();
        var found = new HashSet<(string, string)>();
        foreach (var h in md.TypeReferences)
            if (Resolve(md, h) is ({ } target, var name))
                found.Add((target, name));
        return found;
    }

    static bool IsPublic(MetadataReader md, TypeDefinitionHandle h)
    {
        var type = md.GetTypeDefinition(h);
        var visibility = type.Attributes & TypeAttributes.VisibilityMask;
        if (visibility == TypeAttributes.Public)
            return true;
        return visibility == TypeAttributes.NestedPublic && IsPublic(md, type.GetDeclaringType());
    }

    static string NameOf(MetadataReader md, TypeDefinitionHandle h)
    {
        var type = md.GetTypeDefinition(h);
        if (type.IsNested)
            return NameOf(md, type.GetDeclaringType()) + "+" + md.GetString(type.Name);
        var ns = md.GetString(type.Namespace);
        return ns.Length > 0 ? ns + "." + md.GetString(type.Name) : md.GetString(type.Name);
    }

    static (string? Assembly, string Name) Resolve(MetadataReader md, TypeReferenceHandle h)
    {
        var type = md.GetTypeReference(h);
        var name = md.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            var (assembly, outer) = Resolve(md, (TypeReferenceHandle)type.ResolutionScope);
            return (assembly, outer + "+" + name);
        }
        var ns = md.GetString(type.Namespace);
        var full = ns.Length > 0 ? ns + "." + name : name;
        return type.ResolutionScope.Kind == HandleKind.AssemblyReference
            ? (md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name), full)
            : (null, full);
    }
}
