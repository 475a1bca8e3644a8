using Checker.Runner.Spec;

namespace Checker.Cli.Tests;

/// <summary>The spec fields of the workloads, as each database suite the checker command registers reads them.</summary>
public class SuiteWorkloadSpecTests
{
    [Theory]
    [InlineData("register", "stale-reads")]
    [InlineData("set", "lose-adds")]
    [InlineData("queue", "deliver-twice")]
    [InlineData("mutex", "grant-twice")]
    [InlineData("bank", "half-transfers")]
    public void Each_workload_takes_its_own_faulty_mode_and_refuses_another(string workload, string mode)
    {
        foreach (var db in Databases)
        {
            var spec = SpecLoader.Parse(Spec(db, workload, mode), "t.json");
            Assert.Equal(mode, spec.Client.Mode);
            var other = workload == "set" ? "grant-twice" : "lose-adds";
            var e = Assert.Throws<SpecException>(() => SpecLoader.Parse(Spec(db, workload, other), "t.json"));
            Assert.Contains("client.mode", e.Message);
            Assert.Contains(mode, e.Message);
        }
    }

    static readonly string[] Databases = ["zookeeper", "etcd"];

    static string Spec(string db, string workload, string mode) =>
        $$$"""{"db":{"name":"{{{db}}}"},"workload":{"name":"{{{workload}}}"},"client":{"mode":"{{{mode}}}"}}""";

    [Theory]
    [InlineData("set", """{"addWeight":0}""", "workload.addWeight")]
    [InlineData("queue", """{"dequeueWeight":-1}""", "workload.dequeueWeight")]
    [InlineData("bank", """{"accounts":1}""", "workload.accounts")]
    [InlineData("bank", """{"maxTransfer":0}""", "workload.maxTransfer")]
    [InlineData("mutex", """{"keys":3}""", "workload.keys")]
    public void A_workloads_bad_field_is_an_error_naming_it(string workload, string fields, string field)
    {
        var json = fields.Replace("{", $$"""{"name":"{{workload}}",""");
        foreach (var db in Databases)
        {
            var e = Assert.Throws<SpecException>(() => SpecLoader.Parse($$$"""{"db":{"name":"{{{db}}}"},"workload":{{{json}}}}""", "t.json"));
            Assert.Contains(field, e.Message);
        }
    }
}
