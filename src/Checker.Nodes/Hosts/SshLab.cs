using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Checker.Runner.Nodes;
using Newtonsoft.Json;

namespace Checker.Nodes.Hosts;

/// <summary>One host of the lab: a namespace whose sshd listens on Address:22.</summary>
public sealed record LabHost(string Name, string Address, string Namespace);

/// <summary>
/// SSH hosts on this machine, for trying and testing SSH nodes for real: N network namespaces on a
/// bridge (HostBridge), each running Debian's sshd on port 22 of its own 127.S.1.k address, with
/// per-lab host keys, a client key pair and a known_hosts file that names exactly those keys.
///
/// Everything lives in one folder: lab.json (what is below), hosts.json (the bridge's state, so
/// DownAsync works even after the process that made the lab is gone), the client key, known_hosts,
/// and nK/ with each host's key, sshd_config, pid file and log.
/// </summary>
public sealed class SshLab
{
    const string Sshd = "/usr/sbin/sshd";

    public string Folder { get; init; } = "";
    public string User { get; init; } = "root";
    public string PrivateKey { get; init; } = "";
    public string KnownHosts { get; init; } = "";
    public string RunnerAddress { get; init; } = "";
    public List<LabHost> Hosts { get; init; } = [];

    /// <summary>The default folder: StateFolders.Lab (/run/checker/lab for root), or CHECKER_LAB_DIR.</summary>
    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable("CHECKER_LAB_DIR") is { Length: > 0 } d
            ? d
            : Checker.Runner.Running.StateFolders.Lab;

    static string LabFile(string folder) => Path.Combine(folder, "lab.json");

    static string StateFile(string folder) => Path.Combine(folder, "hosts.json");

    public static bool IsUp(string folder) => File.Exists(LabFile(folder)) || File.Exists(StateFile(folder));

    public static SshLab Load(string folder)
    {
        Trusted(folder);
        return JsonConvert.DeserializeObject<SshLab>(File.ReadAllText(LabFile(folder)))
            ?? throw new InvalidDataException($"{LabFile(folder)}: empty");
    }

    /// <summary>
    /// A lab's folder holds its keys and names the processes and namespaces root removes: one another user owns or
    /// may write is refused (UnsafeStateException), as are its files.
    /// </summary>
    static void Trusted(string folder)
    {
        if (Checker.Runner.Nodes.Posix.Ownership(folder, followLink: false) is null)
            return;
        if (Checker.Runner.Running.StateFolders.Distrust(folder, directory: true) is { } why)
            throw new Checker.Runner.Running.UnsafeStateException(
                $"lab folder {folder}: {why}; Checker will not use it"
            );
        foreach (var file in new[] { LabFile(folder), StateFile(folder) })
            if (
                Checker.Runner.Nodes.Posix.Ownership(file, followLink: false) is not null
                && Checker.Runner.Running.StateFolders.Distrust(file) is { } bad
            )
                throw new Checker.Runner.Running.UnsafeStateException($"{file}: {bad}; Checker will not use it");
    }

    /// <summary>Makes `count` hosts in `folder` (which must not hold a lab) and waits until every sshd accepts
    /// connections.</summary>
    public static async Task<SshLab> UpAsync(string folder, int count, CancellationToken ct = default)
    {
        if (count is < 1 or > 200)
            throw new ArgumentOutOfRangeException(nameof(count), "a lab has 1 to 200 hosts");
        folder = Checker.Runner.Running.StateFolders.Own(folder);
        if (IsUp(folder))
            throw new InvalidOperationException($"a lab is already up in {folder}; run 'checker lab down' first");
        if (!File.Exists(Sshd))
            throw new InvalidOperationException($"{Sshd} is missing: install Debian's openssh-server");
        // sshd's privilege separation directory, which Debian makes only when its own sshd starts
        Directory.CreateDirectory("/run/sshd");

        var clientKey = Path.Combine(folder, "id_ed25519");
        var keygen = HostCommands.MustAsync(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "checker-lab", "-f", clientKey],
            ct
        );
        var bridge = await HostBridge.CreateAsync(StateFile(folder), ct: ct);
        try
        {
            var hosts = await Task.WhenAll(
                Enumerable.Range(1, count).Select(k => MakeHostAsync(bridge, folder, k, ct))
            );
            await keygen;
            File.Copy(clientKey + ".pub", Path.Combine(folder, "authorized_keys"), overwrite: true);
            await Task.WhenAll(hosts.Select(h => StartSshdAsync(bridge, folder, h, ct)));

            var knownHosts = Path.Combine(folder, "known_hosts");
            File.WriteAllLines(
                knownHosts,
                hosts.Select(h =>
                {
                    var pub = File.ReadAllText(Path.Combine(folder, h.Name, "ssh_host_ed25519_key.pub")).Split(' ');
                    return $"{h.Address} {pub[0]} {pub[1].Trim()}";
                })
            );
            var lab = new SshLab
            {
                Folder = folder,
                PrivateKey = clientKey,
                KnownHosts = knownHosts,
                RunnerAddress = bridge.RunnerAddress,
                Hosts = [.. hosts],
            };
            File.WriteAllText(LabFile(folder), JsonConvert.SerializeObject(lab, Formatting.Indented));
            return lab;
        }
        catch
        {
            await DownAsync(folder);
            throw;
        }
    }

    static async Task<LabHost> MakeHostAsync(HostBridge bridge, string folder, int k, CancellationToken ct)
    {
        var name = $"n{k}";
        var dir = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
        var hostKey = HostCommands.MustAsync(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                $"checker-lab-{name}",
                "-f",
                Path.Combine(dir, "ssh_host_ed25519_key"),
            ],
            ct
        );
        var ns = await bridge.AddNamespaceAsync(k, ct);
        await hostKey;
        return new LabHost(name, bridge.AddressOf(k), ns.Name!);
    }

    static async Task StartSshdAsync(HostBridge bridge, string folder, LabHost host, CancellationToken ct)
    {
        var dir = Path.Combine(folder, host.Name);
        var config = Path.Combine(dir, "sshd_config");
        // Password authentication is on so that a wrong password is refused by sshd itself (the lab's
        // users have no password that could succeed); keys are how the lab is used.
        File.WriteAllText(
            config,
            $"""
            ListenAddress {host.Address}:22
            HostKey {dir}/ssh_host_ed25519_key
            PidFile {dir}/sshd.pid
            AuthorizedKeysFile {folder}/authorized_keys
            PermitRootLogin yes
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PrintMotd no
            MaxStartups 100:30:200
            MaxSessions 100
            Subsystem sftp internal-sftp

            """
        );
        await bridge.RecordPidFileAsync(Path.Combine(dir, "sshd.pid"));
        // A lab host is a fresh Debian host, not this machine's login: bash run by sshd reads root's
        // ~/.bashrc even for a plain command, and a developer's (pyenv, nvm) can add 200 ms to every
        // command. sshd runs in a mount namespace of its own where that file is empty; nothing of it
        // is visible outside. sshd forks into the background and the command returns.
        var sshd = HostCommands.Join([Sshd, "-f", config, "-E", Path.Combine(dir, "sshd.log")]);
        var rc = "/root/.bashrc";
        var cleanRc = Path.Combine(folder, "bashrc");
        if (!File.Exists(cleanRc))
            File.WriteAllText(cleanRc, "# an SSH lab host's root starts from Debian's defaults\n");
        var start = File.Exists(rc)
            ? $"mount --bind {HostCommands.Quote(cleanRc)} {rc} && exec {sshd}"
            : $"exec {sshd}";
        await HostCommands.MustAsync(
            ["ip", "netns", "exec", host.Namespace, "unshare", "-m", "--propagation", "private", "sh", "-c", start],
            ct
        );
        await WaitForPortAsync(host.Address, 22, TimeSpan.FromSeconds(30), ct);
    }

    static async Task WaitForPortAsync(string address, int port, TimeSpan within, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Parse(address), port, ct);
                return;
            }
            catch (SocketException) when (clock.Elapsed < within)
            {
                await Task.Delay(20, ct);
            }
        }
    }

    /// <summary>Stops every sshd and removes the namespaces, veths, bridge and rules, then the folder; safe to
    /// repeat.</summary>
    public static async Task<IReadOnlyList<string>> DownAsync(string folder)
    {
        Trusted(folder);
        var done = await HostBridge.CleanAsync(StateFile(folder));
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        return done;
    }

    /// <summary>The flags that point `checker run` at this lab.</summary>
    public string Flags =>
        $"--nodes {string.Join(',', Hosts.Select(h => h.Address))} --username {User} --ssh-private-key "
        + $"{PrivateKey} --ssh.known-hosts {KnownHosts}";

    /// <summary>The same as a spec fragment.</summary>
    public string SpecFragment =>
        JsonConvert.SerializeObject(
            new
            {
                nodes = new
                {
                    provider = "ssh",
                    hosts = Hosts.Select(h => h.Address),
                    user = User,
                    privateKey = PrivateKey,
                    knownHosts = KnownHosts,
                },
            },
            Formatting.Indented
        );
}
