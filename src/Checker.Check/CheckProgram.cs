namespace Checker.Check;

/// <summary>`check` with its arguments: one file, or several (or a quoted glob) checked one after another.</summary>
public static class CheckProgram
{
    public static int Run(string[] argv, CheckHost host) =>
        host.Guarded(() =>
            CheckFiles.Applies(argv) ? CheckFiles.Execute(argv, host) : CheckCommand.Execute(argv, host)
        );
}
