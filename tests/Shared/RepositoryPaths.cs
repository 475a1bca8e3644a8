namespace Checker.Tests;

/// <summary>
/// Where tests find the repository (the folder with Checker.sln) and the shared corpus, which lives
/// beside the clone at ../shared and is read in place, never copied in. Compiled into every test project.
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workloads => Path.Combine(Root, "workloads");

    public static string DefaultSpec => Path.Combine(Workloads, "zookeeper-register.json");

    /// <summary>../shared/corpora/porcupine: Porcupine's Jepsen histories with their known verdicts.</summary>
    public static string Corpus
    {
        get
        {
            var corpus = Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpora", "porcupine"));
            return File.Exists(Path.Combine(corpus, "expected.csv"))
                ? corpus
                : throw new InvalidOperationException($"the Porcupine corpus is not at {corpus}");
        }
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Checker.sln above {AppContext.BaseDirectory}");
    }
}
