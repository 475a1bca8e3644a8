using Checker.Benchmarks;

// Prints speed and memory figures; never passes or fails on a number.
// usage: dotnet run -c Release --project tests/Checker.Benchmarks -- [corpus|big|all] [--group NAME]
var what = args.Length > 0 ? args[0] : "all";
var group = args.SkipWhile(a => a != "--group").Skip(1).FirstOrDefault();
switch (what)
{
    case "corpus" when group is not null: CorpusBench.RunGroup(group); break;
    case "corpus": CorpusBench.RunAll(); break;
    case "big": BigHistoryBench.Run(); break;
    case "all":
        CorpusBench.RunAll();
        BigHistoryBench.Run();
        break;
    default:
        Console.Error.WriteLine("usage: Checker.Benchmarks [corpus [--group etcd|kv-split|kv-whole] | big | all]");
        return 4;
}
return 0;
