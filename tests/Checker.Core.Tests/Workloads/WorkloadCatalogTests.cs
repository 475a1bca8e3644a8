using Checker.Core.History;
using Checker.Core.Models;
using Checker.Core.Tests.Support;
using Checker.Core.Workloads;

namespace Checker.Core.Tests.Workloads;

/// <summary>The catalog's descriptors agree with the checkers, models and reports they name.</summary>
public class WorkloadCatalogTests
{
    [Fact]
    public void The_catalog_holds_the_five_shipped_workloads_each_with_a_faulty_mode_of_its_own()
    {
        Assert.Equal(["register", "set", "queue", "mutex", "bank"], WorkloadCatalog.All.Take(5).Select(w => w.Name));
        Assert.Equal(["set", "queue", "mutex", "bank"], WorkloadCatalog.Checkable.Take(4));
        var modes = WorkloadCatalog.All.Take(5).Select(w => w.FaultyMode!.Mode).ToList();
        Assert.Equal(modes.Count, modes.Distinct().Count());
        Assert.DoesNotContain("correct", modes);
    }

    [Fact]
    public void Each_workload_checker_is_named_as_its_workload_and_writes_the_detail_type_the_report_reads_back()
    {
        foreach (var workload in WorkloadCatalog.All.Where(w => w.Checker is not null))
        {
            var result = workload.CreateChecker(new("test", Bank: new BankOptions(0))).Check([]);
            Assert.Equal(workload.Name, result.Checker);
            Assert.IsType(workload.DetailType!, result.Details);
        }
    }

    [Fact]
    public void Each_named_model_is_in_the_model_catalog_and_a_workload_without_a_checker_has_a_model()
    {
        foreach (var workload in WorkloadCatalog.All)
        {
            if (workload.Model is { } model) Assert.Contains(model, ModelCatalog.Names);
            else Assert.NotNull(workload.Checker);
        }
        var judgedByModel = Assert.Throws<ArgumentException>(() => BuiltInWorkloads.Register.CreateChecker(new()));
        Assert.Contains("cas-register model", judgedByModel.Message);
    }

    [Fact]
    public void Serving_and_writing_are_the_descriptor_s_rules()
    {
        var h = new Recorder();
        h.Call(0, "dequeue", null, OpType.Fail, error: "empty");
        h.Call(0, "dequeue", null, OpType.Fail, error: "connection refused");
        h.Call(0, "write", 1L, OpType.Ok);
        var (empty, refused, write) = (h.Ops[1], h.Ops[3], h.Ops[4]);
        Assert.True(BuiltInWorkloads.Queue.IsServing(empty));
        Assert.False(BuiltInWorkloads.Queue.IsServing(refused));
        Assert.False(BuiltInWorkloads.Set.IsServing(empty)); // no rule of its own: only an ok serves
        Assert.True(BuiltInWorkloads.Register.Writes!(write));
        Assert.False(BuiltInWorkloads.Queue.Writes!(write));
        Assert.Null(BuiltInWorkloads.Mutex.Writes); // a lock may rightly be held long: no availability check
    }

    [Fact]
    public void A_workload_registered_from_outside_is_found_by_name_and_a_second_of_the_same_name_is_refused()
    {
        var toy = new WorkloadDescriptor("catalog-test-toy") { Model = "register" };
        WorkloadCatalog.Register(toy);
        WorkloadCatalog.Register(toy); // the same one again: nothing changes
        Assert.Same(toy, WorkloadCatalog.Find("catalog-test-toy"));
        Assert.Single(WorkloadCatalog.All, w => w.Name == "catalog-test-toy");
        Assert.DoesNotContain("catalog-test-toy", WorkloadCatalog.Checkable);
        Assert.Throws<ArgumentException>(() => WorkloadCatalog.Register(new WorkloadDescriptor("queue")));
        Assert.Same(BuiltInWorkloads.Queue, WorkloadCatalog.Find("queue"));
    }
}
