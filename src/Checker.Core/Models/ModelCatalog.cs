namespace Checker.Core.Models;

/// <summary>Every model by name. Adding a model: one small class and one line here.</summary>
public static class ModelCatalog
{
    static readonly Dictionary<string, Func<object?, bool, Model>> Factories = new()
    {
        ["register"] = (i, nil) => new RegisterModel(i, nil),
        ["cas-register"] = (i, nil) => new CasRegisterModel(i, nil),
        ["mutex"] = (i, _) => new MutexModel(i),
        ["set"] = (i, _) => new SetModel(i),
        ["unordered-queue"] = (i, _) => new UnorderedQueueModel(i),
        ["fifo-queue"] = (i, _) => new FifoQueueModel(i),
        ["multi-register"] = (i, nil) => new MultiRegisterModel(i, nil),
        ["kv"] = (i, _) => new KvModel(i),
    };

    /// <summary>The models whose reads Knossos takes differently: an ok read of nil reads an unknown value.</summary>
    public static bool HasNilReads(string name) => name is "register" or "cas-register" or "multi-register";

    public static IEnumerable<string> Names => Factories.Keys;

    /// <summary>The model that fits the operations' names: kv for get/put/append, set for add, and so on.</summary>
    public static string Guess(IEnumerable<History.Operation> ops)
    {
        var fs = ops.Select(o => o.F).ToHashSet();
        if (fs.Overlaps(["get", "put", "append"]))
            return "kv";
        if (fs.Contains("txn"))
            return "multi-register";
        if (fs.Overlaps(["acquire", "release"]))
            return "mutex";
        if (fs.Overlaps(["enqueue", "dequeue"]))
            return "unordered-queue";
        if (fs.Contains("add"))
            return "set";
        return "cas-register";
    }

    /// <summary>
    /// The model of that name with the given initial value (null: the model's default). With
    /// nilReadIsUnknown, the register models read nil as Knossos does (see <see cref="RegisterModel"/>).
    /// An unknown name is a <see cref="UnknownModelException"/>.
    /// </summary>
    public static Model Create(string name, object? initial = null, bool nilReadIsUnknown = false) =>
        Factories.TryGetValue(name, out var make)
            ? make(initial, nilReadIsUnknown)
            : throw new UnknownModelException($"unknown model '{name}' (one of: {string.Join(", ", Names)})");
}

/// <summary>A model name no model answers to: a mistake in the call, not in the history.</summary>
public sealed class UnknownModelException(string message) : ArgumentException(message) { }
