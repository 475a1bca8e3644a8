namespace Checker.Cli;

/// <summary>The checker command: dispatches sub-commands.</summary>
public static class App
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("usage: checker check FILE");
        return 64;
    }
}
