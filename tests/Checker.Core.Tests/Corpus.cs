namespace Checker.Core.Tests;

/// <summary>Finds the shared Porcupine corpus (../shared/corpora/porcupine from the repository root).</summary>
public static class Corpus
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "corpora", "porcupine");
            if (File.Exists(Path.Combine(candidate, "expected.csv")) && File.Exists(Path.Combine(dir.FullName, "Checker.sln")))
                return Path.GetFullPath(candidate);
        }
        throw new InvalidOperationException("the Porcupine corpus is not at ../shared/corpora/porcupine beside the repository");
    }

    public sealed record Row(string File, string Model, bool ExpectedOk, int Ops)
    {
        public string Path => System.IO.Path.Combine(Root, File);
        public override string ToString() => $"{File} ({Model})";
    }

    public static IReadOnlyList<Row> Rows { get; } = File.ReadAllLines(System.IO.Path.Combine(Root, "expected.csv"))
        .Skip(1)
        .Where(l => l.Trim().Length > 0)
        .Select(l => l.Split(','))
        .Select(c => new Row(c[0].Trim(), c[1].Trim(), bool.Parse(c[2].Trim()), int.Parse(c[3].Trim())))
        .ToList();
}
