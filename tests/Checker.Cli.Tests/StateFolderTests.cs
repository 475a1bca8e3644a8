using Checker.Nodes.Hosts;
using Checker.Runner.Nodes;
using Checker.Runner.Running;

using Checker.Tests;

using Checker.Nodes;

namespace Checker.Cli.Tests;

/// <summary>
/// State that root acts on (the runs registry, the lab, the loopback claims) lives where only its owner can write,
/// and Checker refuses such state that another user made or may change (as sshd's StrictModes does).
/// </summary>
public sealed class StateFolderTests : IDisposable
{
    const int Nobody = 65534;
    readonly string work = Directory.CreateTempSubdirectory("checker-state-").FullName;

    static void Chown(string path, int uid)
    {
        Assert.True(Environment.IsPrivilegedProcess, "these tests need root (they hand files to nobody)");
        var owner = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chown = Checker.Runner.Nodes.HostCommands.RunAsync(["chown", owner, path]);
        Assert.Equal(0, chown.GetAwaiter().GetResult().ExitCode);
    }

    /// <summary>A registry entry of a dead local run whose nodes' folder is victim: clean would remove it.</summary>
    static string EntryNaming(string victim) => $$"""
        { "RunId": "planted", "RunnerPid": 2147483000, "RunnerStartTime": 1, "RunDir": null, "NodesRoot": "{{victim}}",
          "Provider": "local", "Processes": [] }
        """;

    [NeedsFact(Needs.Root)]
    public async Task A_registry_file_that_is_not_an_entry_is_skipped_with_a_message_and_clean_succeeds()
    {
        var runs = Directory.CreateDirectory(Path.Combine(work, "runs")).FullName;
        File.WriteAllText(Path.Combine(runs, "empty.json"), "{}");
        File.WriteAllText(Path.Combine(runs, "garbage.json"), "not json at all");

        var actions = await Cleaner.CleanAsync(runs);
        Assert.Contains($"skipped {Path.Combine(runs, "empty.json")}: not a registry entry (no runId)", actions);
        var garbage = $"skipped {Path.Combine(runs, "garbage.json")}: not a registry entry";
        Assert.Contains(actions, a => a.StartsWith(garbage, StringComparison.Ordinal));
        Assert.Equal(0, App.Run(["clean", "--runs-dir", runs]));
    }

    [NeedsFact(Needs.Root)]
    public async Task A_registry_entry_another_user_owns_or_others_may_write_is_never_acted_on()
    {
        var runs = Directory.CreateDirectory(Path.Combine(work, "runs")).FullName;
        var victim = Directory.CreateDirectory(Path.Combine(work, "victim")).FullName;
        var theirs = Path.Combine(runs, "theirs.json");
        File.WriteAllText(theirs, EntryNaming(victim));
        Chown(theirs, Nobody);
        var open = Path.Combine(runs, "open.json");
        File.WriteAllText(open, EntryNaming(victim));
        File.SetUnixFileMode(open, (UnixFileMode)0b110_110_110);

        var actions = await Cleaner.CleanAsync(runs);
        Assert.Contains($"skipped {theirs}: it is owned by another user (uid {Nobody})", actions);
        Assert.Contains($"skipped {open}: others may write it (mode 666)", actions);
        Assert.True(Directory.Exists(victim));

        // The same entry in a registry folder nobody made, open to all: the folder is refused whole.
        var planted = Directory.CreateDirectory(Path.Combine(work, "planted")).FullName;
        File.WriteAllText(Path.Combine(planted, "run.json"), EntryNaming(victim));
        File.SetUnixFileMode(planted, (UnixFileMode)0b111_111_111);
        Chown(planted, Nobody);
        Assert.Equal(App.Environment, App.Run(["clean", "--runs-dir", planted]));
        Assert.True(Directory.Exists(victim));

        // And as the registry of a run: the run refuses to write into it.
        Assert.Throws<UnsafeStateException>(() => new RunRegistry(planted, "r", null, null, "local"));
    }

    [NeedsFact(Needs.Root)]
    public void Lab_up_refuses_a_folder_another_user_made_and_writes_nothing_there()
    {
        var folder = Directory.CreateDirectory(Path.Combine(work, "lab")).FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        Chown(folder, Nobody);
        Assert.Equal(App.Environment, App.Run(["lab", "up", "--nodes", "1", "--dir", folder]));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.Equal(App.Environment, App.Run(["lab", "down", "--dir", folder]));
    }

    [NeedsFact(Needs.Root)]
    public void A_nodes_folder_or_hosts_state_file_another_user_planted_is_refused_and_left_as_it_is()
    {
        var planted = Directory.CreateDirectory(Path.Combine(work, "checker-run")).FullName;
        File.SetUnixFileMode(planted, (UnixFileMode)0b111_111_111);
        Chown(planted, Nobody);
        Assert.Throws<UnsafeStateException>(() => LocalNodeProvider.Create(1, planted));
        Assert.Empty(Directory.GetFileSystemEntries(planted));

        // A link where the state's new file goes, pointing at a file root would overwrite.
        var target = Path.Combine(work, "precious");
        File.WriteAllText(target, "keep");
        var state = Path.Combine(work, "checker-run.hosts.json");
        File.CreateSymbolicLink(state + ".tmp", target);
        Assert.Throws<UnsafeStateException>(() => new HostsState { Prefix = "ck0000" }.Save(state));
        Assert.Equal("keep", File.ReadAllText(target));

        // A state file nobody wrote names nothing for root to remove.
        File.Delete(state + ".tmp");
        File.WriteAllText(state, "{ \"Prefix\": \"ck0000\", \"Namespaces\": [\"theirs\"] }");
        Chown(state, Nobody);
        Assert.Throws<UnsafeStateException>(() => HostsState.Load(state));
    }

    [NeedsFact(Needs.Root)]
    public void Roots_state_lives_in_run_checker_where_only_root_writes_and_a_new_folder_is_its_owners_alone()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test needs root");
        Assert.Equal("/run/checker", StateFolders.Base);
        if (Environment.GetEnvironmentVariable("CHECKER_RUNS_DIR") is null)
            Assert.Equal("/run/checker/runs", RunRegistry.DefaultDirectory);
        if (Environment.GetEnvironmentVariable("CHECKER_LAB_DIR") is null)
            Assert.Equal("/run/checker/lab", SshLab.DefaultFolder);

        var made = StateFolders.Own(Path.Combine(work, "a", "b"));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(made));

        using (Checker.Nodes.Net.LoopbackSubnet.Claim(_ => true)) { }
        var locks = Posix.Ownership("/run/checker/loopback", followLink: false)!.Value;
        Assert.True(locks.IsDirectory && locks.Owner == 0 && !locks.WritableByOthers);
        var lockFile = Posix.Ownership("/run/checker/loopback/127.20.lock", followLink: false)!.Value;
        Assert.True(lockFile.IsRegularFile && lockFile.Owner == 0 && !lockFile.WritableByOthers);
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
