namespace Checker.Cli.Commands;

/// <summary>Not built yet: see the open issue for this command.</summary>
public static class RunCommand
{
    public static int Execute(string[] args)
    {
        Console.Error.WriteLine("checker: 'run' is not built yet");
        return App.Usage;
    }
}
