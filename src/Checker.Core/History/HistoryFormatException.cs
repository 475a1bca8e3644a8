namespace Checker.Core.History;

/// <summary>Input that is not a well-formed history; the message names the source and line.</summary>
public sealed class HistoryFormatException : Exception
{
    public string SourceName { get; }
    public int Line { get; }
    public string Problem { get; }

    public HistoryFormatException(string source, int line, string problem, Exception? inner = null)
        : base(line > 0 ? $"{source}:{line}: {problem}" : $"{source}: {problem}", inner)
    {
        SourceName = source;
        Line = line;
        Problem = problem;
    }
}
