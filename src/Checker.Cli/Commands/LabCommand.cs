using Checker.Nodes.Hosts;
using Checker.Runner.Nodes;

namespace Checker.Cli.Commands;

/// <summary>checker lab up|down: SSH hosts on this machine (namespaces with their own sshd) to run against.</summary>
public static class LabCommand
{
    const string Help = """
        usage: checker lab up [--nodes N] [--dir DIR]   make N SSH hosts (default 3) and print how to use them
               checker lab down [--dir DIR]             stop them and remove everything the lab made

          Each host is a network namespace on a bridge, with its own sshd on port 22 of 127.S.1.k.
          Host keys, a client key and a known_hosts file are made in DIR (default /run/checker/lab,
          or CHECKER_LAB_DIR), which only root may enter; a DIR another user owns or others may write
          is refused. Needs root and Debian's openssh-server.
        exit: 0 done, 4 usage, 5 the lab could not be made (the message says why)
        """;

    public static int Execute(string[] argv)
    {
        var args = new Args(argv, "help");
        if (args.Flag("help") || args.Positional.Count == 0)
        {
            Console.Out.WriteLine(Help);
            return args.Flag("help") ? 0 : App.Usage;
        }
        var folder = args.Get("dir") ?? SshLab.DefaultFolder;
        return args.Positional[0] switch
        {
            "up" => Up(args, folder),
            "down" => Down(args, folder),
            var other => throw new UsageException($"lab: unknown subcommand '{other}' (up or down)"),
        };
    }

    static int Up(Args args, string folder)
    {
        var countText = args.Get("nodes") ?? "3";
        args.RejectUnknown();
        if (!int.TryParse(countText, out var count) || count is < 1 or > 200)
            throw new UsageException($"--nodes needs a number of hosts from 1 to 200, not '{countText}'");
        if (!Environment.IsPrivilegedProcess)
            return EnvironmentError("lab up needs root (it makes network namespaces and a bridge)");
        if (SshLab.IsUp(folder))
            return EnvironmentError($"a lab is already up in {folder}; run 'checker lab down' first");
        SshLab lab;
        try
        {
            lab = SshLab.UpAsync(folder, count).GetAwaiter().GetResult();
        }
        catch (Exception e)
            when (e is HostCommandException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return EnvironmentError($"lab up: {e.Message}");
        }
        Console.Out.WriteLine($"{lab.Hosts.Count} SSH hosts up in {lab.Folder}:");
        foreach (var h in lab.Hosts)
            Console.Out.WriteLine($"  {h.Name}  {lab.User}@{h.Address}  (namespace {h.Namespace})");
        Console.Out.WriteLine();
        Console.Out.WriteLine("run against them with:");
        Console.Out.WriteLine($"  checker run {lab.Flags}");
        Console.Out.WriteLine("or in a spec:");
        Console.Out.WriteLine(lab.SpecFragment);
        Console.Out.WriteLine();
        Console.Out.WriteLine(
            $"by hand: ssh -i {lab.PrivateKey} -o UserKnownHostsFile={lab.KnownHosts} {lab.User}@{lab.Hosts[0].Address}"
        );
        Console.Out.WriteLine(
            "remove with: checker lab down" + (folder == SshLab.DefaultFolder ? "" : $" --dir {folder}")
        );
        return 0;
    }

    static int Down(Args args, string folder)
    {
        args.RejectUnknown();
        if (!Environment.IsPrivilegedProcess)
            return EnvironmentError("lab down needs root");
        var done = SshLab.DownAsync(folder).GetAwaiter().GetResult();
        foreach (var line in done)
            Console.Out.WriteLine(line);
        Console.Out.WriteLine(done.Count == 0 ? $"no lab in {folder}" : $"lab in {folder} removed");
        return 0;
    }

    static int EnvironmentError(string message)
    {
        Console.Error.WriteLine($"checker: {message}");
        return App.Environment;
    }
}
