namespace Checker.Core.Tests;

/// <summary>The shared Porcupine corpus and its expected verdicts.</summary>
public static class Corpus
{
    public static string Root => Checker.Tests.RepositoryPaths.Corpus;

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
