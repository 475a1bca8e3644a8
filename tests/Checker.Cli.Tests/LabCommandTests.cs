using Checker.Tests;

namespace Checker.Cli.Tests;

/// <summary>checker lab up/down: prints how to use the lab, and down removes it (needs root).</summary>
[Trait("Tier", "Slow")]
public class LabCommandTests
{
    [NeedsFact(Needs.Root)]
    public void Lab_up_prints_the_flags_and_lab_down_removes_the_lab()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"checker-lab-cli-{Guid.NewGuid():N}");
        var output = new StringWriter();
        var stdout = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, App.Run(["lab", "up", "--nodes", "1", "--dir", dir]));
            Assert.Equal(App.Environment, App.Run(["lab", "up", "--dir", dir])); // one lab per folder
        }
        finally
        {
            Assert.Equal(0, App.Run(["lab", "down", "--dir", dir]));
            Console.SetOut(stdout);
        }
        var text = output.ToString();
        Assert.Contains("--nodes 127.", text);
        Assert.Contains($"--ssh-private-key {dir}/id_ed25519", text);
        Assert.Contains("\"provider\": \"ssh\"", text);
        Assert.Contains($"lab in {dir} removed", text);
        Assert.False(Directory.Exists(dir));
        Assert.Equal(App.Usage, App.Run(["lab", "up", "--nodes", "zero"]));
    }
}
