namespace Checker.Report;

/// <summary>A run folder's input that is missing or unreadable; the message names the file.</summary>
public sealed class ReportInputException(string message, Exception? inner = null) : Exception(message, inner);
