using Checker.Nodes.Hosts;

using Checker.Tests;

using Checker.Runner.Nodes;

namespace Checker.Nodes.Tests.Hosts;

/// <summary>The SSH lab with Debian's sshd and OpenSSH's own client (needs root).</summary>
[Trait("Tier", "Slow")]
public class SshLabTests
{
    [NeedsFact(Needs.Root)]
    public async Task Lab_hosts_answer_ssh_with_the_keys_in_known_hosts_and_down_leaves_nothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"checker-lab-{Guid.NewGuid():N}");
        var lab = await SshLab.UpAsync(folder, 2);
        string prefix;
        try
        {
            prefix = lab.Hosts[0].Namespace.Split('-')[0];
            Assert.Equal(2, File.ReadAllLines(lab.KnownHosts).Length);
            foreach (var host in lab.Hosts)
            {
                // StrictHostKeyChecking=yes: the host key must be the one known_hosts names.
                var r = await HostCommands.RunAsync(["ssh", "-i", lab.PrivateKey, "-o", $"UserKnownHostsFile={lab.KnownHosts}", "-o", "StrictHostKeyChecking=yes",
                    "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", $"root@{host.Address}", "ip -4 -o addr show dev eth0"]);
                Assert.True(r.ExitCode == 0, r.Output);
                Assert.Contains(host.Address + "/24", r.Output); // the command ran inside that host's namespace
            }
            Assert.True(SshLab.IsUp(folder));
            await Assert.ThrowsAsync<InvalidOperationException>(() => SshLab.UpAsync(folder, 1));
        }
        finally
        {
            await SshLab.DownAsync(folder);
        }
        Assert.False(Directory.Exists(folder));
        Assert.DoesNotContain(prefix + "-", (await HostCommands.RunAsync(["ip", "netns", "list"])).Output + (await HostCommands.RunAsync(["ip", "-o", "link"])).Output);
        Assert.DoesNotContain($"-f {folder}", (await HostCommands.RunAsync(["ps", "-eo", "args"])).Output);
    }
}
