using Checker.Benchmarks;

// Prints speed and memory figures; never passes or fails on a number.
// usage: dotnet run -c Release --project tests/Checker.Benchmarks -- [corpus|compare-shapes [SHAPE...]|startup [RUNS]|big [FILE]|read-stages FILE [ROUNDS]|workloads [set|queue|mutex|bank...]|one-key|zookeeper|etcd|etcd-stale [N [KEEP_DIR]]|runner|kill-leader [KILLS]|partition [TRIALS]|lab|docker [--cold]|zookeeper-2201 [RUNS] [--docker]|report|all] [--group NAME]
var what = args.Length > 0 ? args[0] : "all";
var group = args.SkipWhile(a => a != "--group").Skip(1).FirstOrDefault();
switch (what)
{
    case "compare-shapes" when args.Contains("--shape"): CompareShapes.RunOne(args.SkipWhile(a => a != "--shape").Skip(1).First()); break;
    case "compare-shapes": CompareShapes.RunAll(args[1..]); break;
    case "startup": StartupBench.Run(args.Length > 1 ? int.Parse(args[1]) : 20); break;
    case "corpus" when group is not null: CorpusBench.RunGroup(group); break;
    case "corpus": CorpusBench.RunAll(); break;
    case "big": BigHistoryBench.Run(args.Length > 1 ? args[1] : null); break;
    case "read-stages": ReadStagesBench.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 2); break;
    case "workload": WorkloadBench.RunOne(args[1]); break;
    case "workloads": WorkloadBench.RunAll(args[1..]); break;
    case "one-key" when args.Length > 2: BigHistoryBench.WriteSingleKey(int.Parse(args[1]), args[2]); break;
    case "one-key": BigHistoryBench.RunSingleKey(args.Length > 1 ? int.Parse(args[1]) : 100_000); break;
    case "report": ReportBench.Run(Console.Out, args.Length > 1 ? args[1] : null); break;
    case "zookeeper": return ZooKeeperClientBench.Run();
    case "runner": return RunnerBench.Execute(args[1..]);
    case "kill-leader": return KillLeaderBench.Run(args.Length > 1 ? int.Parse(args[1]) : 30);
    case "partition": return PartitionBench.Run(args.Length > 1 ? int.Parse(args[1]) : 5);
    case "etcd-stale": return EtcdStaleBench.Run(args.Length > 1 ? int.Parse(args[1]) : 3, args.Length > 2 ? args[2] : null);
    case "etcd":
        // etcd's figures and ZooKeeper's, on the same machine in the same run.
        var etcd = EtcdBench.Run();
        return etcd != 0 ? etcd : RunnerBench.Execute([]);
    case "lab": return LabBench.Run();
    case "docker": return DockerBench.Run(args[1..]);
    case "zookeeper-2201": return Zookeeper2201Bench.Run(args[1..]);
    case "all":
        CorpusBench.RunAll();
        BigHistoryBench.Run();
        WorkloadBench.RunAll([]);
        ZooKeeperClientBench.Run();
        EtcdBench.Run();
        ReportBench.Run(Console.Out, null);
        return RunnerBench.Execute([]);
    default:
        Console.Error.WriteLine("usage: Checker.Benchmarks [corpus [--group etcd|kv-split|kv-whole] | compare-shapes [SHAPE...] | startup [RUNS] | big [FILE] | read-stages FILE [ROUNDS] | workloads [set|queue|mutex|bank...] | zookeeper | etcd | etcd-stale [N [KEEP_DIR]] | one-key [N [FILE]] | runner [--no-zookeeper] | kill-leader [KILLS] | partition [TRIALS] | lab | docker [--cold] | zookeeper-2201 [RUNS] [--docker] | report [KEEP_DIR] | all]");
        return 4;
}
return 0;
