using Checker.Runner.Databases;

namespace Checker.Databases.ZooKeeper.Candidates;

/// <summary>
/// A ZooKeeper release with one upstream fix taken back out of Debian's own source: a known bug put back,
/// so that a run can show Checker finds it. Each candidate is named after the bug it brings back.
/// </summary>
/// <param name="Name">The bug's name, which is also the candidate's (and its folder's) name.</param>
/// <param name="Summary">One line: what the bug does to a cluster.</param>
/// <param name="SourceFile">The one Java source file the revert changes, relative to the unpacked source.</param>
/// <param name="Fixed">The fixed code, exactly as Debian's source has it (found once, or the build stops).</param>
/// <param name="Reverted">The code as it was before the fix.</param>
public sealed record BugCandidate(string Name, string Summary, string SourceFile, string Fixed, string Reverted)
{
    /// <summary>
    /// ZOOKEEPER-2201: the leader, sending a snapshot to a syncing learner, wrote each znode to the socket
    /// while holding that znode's lock (DataTree.serializeNode). A stalled TCP stream to that learner then
    /// holds the lock, the next write to that znode blocks the commit pipeline, and no write commits while
    /// every process is up. Fixed in 3.4.7 / 3.5.1 by copying the node under the lock and writing it after.
    /// </summary>
    public static readonly BugCandidate Zookeeper2201 = new(
        "zookeeper-2201",
        "the leader writes a snapshot's znodes to a learner's socket while holding each znode's lock",
        "zookeeper-server/src/main/java/org/apache/zookeeper/server/DataTree.java",
        Fixed: """
                    children = childs.toArray(new String[childs.size()]);
                }
                serializeNodeData(oa, pathString, nodeCopy);
        """,
        Reverted: """
                    children = childs.toArray(new String[childs.size()]);
                    // ZOOKEEPER-2201 reverted: written under the node's lock
                    serializeNodeData(oa, pathString, nodeCopy);
                }
        """
    );

    /// <summary>Every candidate Checker can build, by name.</summary>
    public static IReadOnlyList<BugCandidate> All { get; } = [Zookeeper2201];

    /// <summary>The classes the changed source file compiles to (the file's class and its nested classes).</summary>
    public string ClassPrefix =>
        SourceFile[(SourceFile.IndexOf("/org/", StringComparison.Ordinal) + 1)..^".java".Length];

    /// <summary>The candidate by its name, or null.</summary>
    public static BugCandidate? Named(string name) => All.FirstOrDefault(c => c.Name == name);
}
