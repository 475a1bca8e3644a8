namespace Checker.Tests;

/// <summary>Histories written as JSON Lines text, one record per line, for tests that feed files to `check`.</summary>
internal static class JsonLinesText
{
    /// <summary>A temporary file holding these lines; the caller deletes it.</summary>
    public static string TempHistory(params string[] lines)
    {
        var file = Path.GetTempFileName();
        File.WriteAllLines(file, lines);
        return file;
    }

    /// <summary>One record: process p (negative: the nemesis), its type, f and value (JSON), and a time in seconds.</summary>
    public static string J(int p, string type, string f, string value, double? seconds = null) =>
        $"{{\"process\":{(p < 0 ? "\"nemesis\"" : p.ToString())},\"type\":\"{type}\",\"f\":\"{f}\","
        + $"\"value\":{value}{(seconds is { } s ? $",\"time\":{(long)(s * 1e9)}" : "")}}}";
}
