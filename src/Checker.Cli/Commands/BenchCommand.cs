namespace Checker.Cli.Commands;

/// <summary>checker bench: prints speed and memory figures.</summary>
public static class BenchCommand
{
    public static int Execute(string[] args)
    {
        Console.Error.WriteLine("checker: 'bench' is not built yet");
        return App.Usage;
    }
}
