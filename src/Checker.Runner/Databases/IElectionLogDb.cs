using Checker.Core.Checks;

namespace Checker.Runner.Databases;

/// <summary>A database whose collected node logs show when its members lost and regained a leader.</summary>
public interface IElectionLogDb
{
    /// <summary>
    /// The leader elections in the logs collected into dir/&lt;node&gt;/, with times relative to `origin` (the
    /// history's time 0). A log that is missing or says nothing adds nothing.
    /// </summary>
    IReadOnlyList<LeaderElection> ElectionsFromLogs(string dir, DateTimeOffset origin);
}
