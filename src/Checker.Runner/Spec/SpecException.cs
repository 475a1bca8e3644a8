namespace Checker.Runner.Spec;

/// <summary>A test spec or flag that cannot be used; the message names the field.</summary>
public sealed class SpecException(string message) : Exception(message);
