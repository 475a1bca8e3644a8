namespace Checker.Core.Models;

/// <summary>Every model by name. Adding a model: one small class and one line here.</summary>
public static class ModelCatalog
{
    static readonly Dictionary<string, Func<object?, Model>> Factories = new()
    {
        ["register"] = i => new RegisterModel(i),
        ["cas-register"] = i => new CasRegisterModel(i),
        ["mutex"] = i => new MutexModel(i),
        ["set"] = i => new SetModel(i),
        ["unordered-queue"] = i => new UnorderedQueueModel(i),
        ["fifo-queue"] = i => new FifoQueueModel(i),
        ["multi-register"] = i => new MultiRegisterModel(i),
        ["kv"] = i => new KvModel(i),
    };

    public static IEnumerable<string> Names => Factories.Keys;

    /// <summary>The model that fits the operations' names: kv for get/put/append, set for add, and so on.</summary>
    public static string Guess(IEnumerable<History.Operation> ops)
    {
        var fs = ops.Select(o => o.F).ToHashSet();
        if (fs.Overlaps(["get", "put", "append"])) return "kv";
        if (fs.Contains("txn")) return "multi-register";
        if (fs.Overlaps(["acquire", "release"])) return "mutex";
        if (fs.Overlaps(["enqueue", "dequeue"])) return "unordered-queue";
        if (fs.Contains("add")) return "set";
        return "cas-register";
    }

    /// <summary>The model of that name with the given initial value (null: the model's default).</summary>
    public static Model Create(string name, object? initial = null) =>
        Factories.TryGetValue(name, out var make)
            ? make(initial)
            : throw new ArgumentException($"unknown model '{name}' (one of: {string.Join(", ", Names)})");
}
