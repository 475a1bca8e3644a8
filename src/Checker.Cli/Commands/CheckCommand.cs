namespace Checker.Cli.Commands;

/// <summary>checker check FILE: judges a recorded history.</summary>
public static class CheckCommand
{
    public static int Execute(string[] args)
    {
        Console.Error.WriteLine("checker: 'check' is not built yet");
        return App.Usage;
    }
}
