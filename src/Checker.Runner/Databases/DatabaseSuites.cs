namespace Checker.Runner.Databases;

/// <summary>
/// The databases Checker can test, by the spec's db.name. The lifecycle knows none: the program that runs tests
/// registers each suite (one line each; the checker command's are in its BuiltIns).
/// </summary>
public static class DatabaseSuites
{
    static readonly List<IDatabaseSuite> registered = [];
    static readonly object gate = new();

    public static IReadOnlyList<IDatabaseSuite> All
    {
        get
        {
            lock (gate)
                return registered.ToList();
        }
    }

    public static IDatabaseSuite? Find(string? name) => All.FirstOrDefault(s => s.Name == name);

    public static IEnumerable<string> Names => All.Select(s => s.Name);

    /// <summary>
    /// Adds a suite; each name once. Registering the same type again changes nothing (a program and a library it
    /// loads may both register the built-in suites); another suite under a name taken fails.
    /// </summary>
    public static void Register(IDatabaseSuite suite)
    {
        lock (gate)
        {
            var taken = registered.FirstOrDefault(s => s.Name == suite.Name);
            if (taken is not null && taken.GetType() == suite.GetType())
                return;
            if (taken is not null)
                throw new InvalidOperationException($"a database suite '{suite.Name}' is registered already");
            registered.Add(suite);
        }
    }
}
