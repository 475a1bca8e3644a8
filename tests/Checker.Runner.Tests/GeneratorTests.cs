using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;
using Checker.Runner.Workloads;
using Checker.Runner.Generation;
using Checker.Runner.Spec;

namespace Checker.Runner.Tests;

/// <summary>The generator and recorder against the in-memory registers (no database).</summary>
public class GeneratorTests
{
    /// <summary>
    /// Runs the workers until they have recorded 100 records, calls midway, and stops them 100 records later:
    /// counted, not timed, so a loaded machine gives the same shape of history, only later.
    /// </summary>
    static async Task<List<Op>> RunAsync(IClientFactory clients, int concurrency = 4, Action<Generator>? midway = null, double rate = 1000)
    {
        using var history = new HistoryRecorder(null);
        var generator = new Generator(new GeneratorOptions(concurrency, 3, rate, TimeSpan.FromSeconds(2), 42),
            clients, new RegisterWorkload(new RegisterSettings { Keys = 3 }), history);
        generator.Start(CancellationToken.None);
        await RecordedAsync(history, 100);
        midway?.Invoke(generator);
        await RecordedAsync(history, history.Snapshot().Count + 100);
        await generator.StopAsync();
        return history.Snapshot();
    }

    static async Task RecordedAsync(HistoryRecorder history, int records)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (history.Snapshot().Count < records) await Task.Delay(10, guard.Token);
    }

    static Verdict Linearizable(List<Op> ops) =>
        new LinearizabilityChecker(ModelCatalog.Create("cas-register", null), new LinearizabilityOptions { Timeout = TimeSpan.FromSeconds(60) }).Check(ops).Verdict;

    [Fact]
    public void Derived_seeds_are_the_same_in_every_process()
    {
        // Pinned: a seed must give the same workers' and clients' draws in the next process, which a
        // per-process hash (HashCode.Combine) would not. The values were computed apart from this code.
        Assert.Equal(-1096032325, Seeds.Derive(42, 0));
        Assert.Equal(1616377404, Seeds.Derive(42, 1));
        Assert.Equal(-1200340364, Seeds.Derive(43, 0));
        Assert.Equal(-884425474, Seeds.Derive(-7, 5));
    }

    [Fact]
    public async Task Workers_record_well_formed_linearizable_histories_against_correct_registers()
    {
        var ops = await RunAsync(new InMemoryRegisters());
        Assert.Equal(Enumerable.Range(0, ops.Count).Select(i => (long)i), ops.Select(o => o.Index));
        Assert.True(ops.Zip(ops.Skip(1)).All(p => p.First.Time <= p.Second.Time));
        Assert.Equal(ops.Count(o => o.Type == OpType.Invoke), ops.Count(o => o.Type != OpType.Invoke)); // every op completed at stop
        Assert.Contains(ops, o => o.F == "cas" && o.Type == OpType.Ok);
        Assert.Equal(Verdict.Valid, Linearizable(ops));
    }

    [Fact]
    public async Task An_indeterminate_op_retires_its_process_and_the_worker_goes_on_as_a_new_one()
    {
        var ops = await RunAsync(new FlakyFactory(new InMemoryRegisters()), concurrency: 2);
        var infos = ops.Where(o => o.Type == OpType.Info).ToList();
        Assert.NotEmpty(infos);
        foreach (var info in infos)
            Assert.DoesNotContain(ops, o => o.Process == info.Process && o.Index > info.Index);
        Assert.Contains(ops, o => o.Process >= 2); // process = worker + k * concurrency
        Assert.All(ops, o => Assert.Equal(Generator.NodeOf(o.Process % 2, 2, 3), Generator.NodeOf(o.Process, 2, 3)));
    }

    [Fact]
    public async Task The_final_reads_phase_only_reads()
    {
        var ops = await RunAsync(new InMemoryRegisters(), midway: g => g.Phase = Phase.Final);
        Assert.Contains(ops, o => o.F != "read");
        var tail = ops.TakeLast(40).Where(o => o.Type == OpType.Invoke).ToList();
        Assert.All(tail, o => Assert.Equal("read", o.F));
    }

    [Fact]
    public async Task A_client_answering_reads_from_a_stale_copy_is_caught()
    {
        var ops = await RunAsync(new StaleReadsFactory(new InMemoryRegisters(), 0.5, 7));
        Assert.Equal(Verdict.Invalid, Linearizable(ops));
    }

    [Fact]
    public void Every_line_of_a_recorded_history_file_is_one_JSON_object()
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-history-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var history = HistoryRecorder.ToFile(path, ["n1", "n2"]))
            {
                history.Record(0, OpType.Invoke, "write", 3L, node: "n1");
                history.Record(0, OpType.Ok, "write", 3L);
            }
            var text = File.ReadAllText(path);
            Assert.EndsWith("\n", text);
            var lines = text[..^1].Split('\n');
            Assert.Equal(3, lines.Length); // the header and two ops, no blank line a strict JSON Lines reader trips on
            Assert.All(lines, line => Assert.Equal(System.Text.Json.JsonValueKind.Object,
                System.Text.Json.JsonDocument.Parse(line).RootElement.ValueKind));
            Assert.True(System.Text.Json.JsonDocument.Parse(lines[0]).RootElement.TryGetProperty("header", out _));
        }
        finally { File.Delete(path); }
    }

    /// <summary>Every fifth op of each client ends indeterminate (after taking effect or not).</summary>
    sealed class FlakyFactory(IClientFactory inner) : IClientFactory
    {
        public Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;
        public IClient Create(int node) => new Flaky(inner.Create(node));

        sealed class Flaky(IClient inner) : IClient
        {
            int n;
            public Task OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);
            public async Task<Completion> InvokeAsync(Invocation op, CancellationToken ct)
            {
                var done = await inner.InvokeAsync(op, ct);
                return ++n % 5 == 0 ? Completion.Info("lost the answer") : done;
            }
            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
