namespace Checker.Tests;

/// <summary>What a test needs of the machine beyond the .NET SDK.</summary>
[Flags]
internal enum Needs
{
    None = 0,
    /// <summary>Root: namespaces, iptables, a dockerd of the tests' own, files handed to other users.</summary>
    Root = 1,
}

/// <summary>
/// Where the machine lacks what a test needs: the reason to skip it, on a developer's machine. Under CI
/// (CI=true) nothing is skipped: the test runs and fails with its own message, so a CI machine that lacks
/// something never passes by skipping.
/// </summary>
internal static class Requirements
{
    public static string? SkipReason(Needs needs)
    {
        if (Environment.GetEnvironmentVariable("CI") is "true" or "1") return null;
        if (needs.HasFlag(Needs.Root) && !Environment.IsPrivilegedProcess)
            return "needs root (namespaces, iptables, a dockerd of its own, or files handed to other users): run the tests as root";
        return null;
    }
}

/// <summary>A fact skipped, with the reason, where the machine lacks what it needs (see <see cref="Requirements"/>).</summary>
internal sealed class NeedsFactAttribute : FactAttribute
{
    public NeedsFactAttribute(Needs needs)
    {
        if (Requirements.SkipReason(needs) is { } why) Skip = why;
    }
}

/// <summary>A theory skipped, with the reason, where the machine lacks what it needs (see <see cref="Requirements"/>).</summary>
internal sealed class NeedsTheoryAttribute : TheoryAttribute
{
    public NeedsTheoryAttribute(Needs needs)
    {
        if (Requirements.SkipReason(needs) is { } why) Skip = why;
    }
}
