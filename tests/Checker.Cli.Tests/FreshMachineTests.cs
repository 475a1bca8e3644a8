using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

using Checker.Tests;

namespace Checker.Cli.Tests;

/// <summary>
/// `checker run` as a user meets it on a fresh machine, as root: no ZooKeeper, and apt's lists empty. The machine is
/// this one seen from a private mount namespace, whose /usr, /etc and /var are writable layers over the real ones
/// that vanish with it; there zookeeper is purged, the lists are emptied, and apt's only source is a repository
/// on disk holding the zookeeper packages rebuilt from what dpkg installed here, so apt really updates, downloads
/// and installs, with no traffic beyond this machine. Another apt holds apt's and dpkg's locks meanwhile.
/// </summary>
[Trait("Tier", "Slow")]
public sealed class FreshMachineTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("checker-fresh-").FullName;

    /// <summary>
    /// Builds a flat apt repository in $1/repo holding the installed zookeeper and libzookeeper-java, as dpkg installed
    /// them: their files, control fields, conffiles and maintainer scripts.
    /// </summary>
    const string BuildRepository = """
        set -eu
        W=$1
        mkdir -p "$W/repo"
        for pkg in zookeeper libzookeeper-java; do
          stage="$W/stage/$pkg"
          mkdir -p "$stage/DEBIAN"
          dpkg-query -L "$pkg" | while IFS= read -r p; do
            case "$p" in /.|"") continue;; /*) ;; *) continue;; esac
            if [ -d "$p" ] && [ ! -L "$p" ]; then mkdir -p "$stage$p"
            elif [ -e "$p" ] || [ -L "$p" ]; then cp -a --parents "$p" "$stage"
            fi
          done
          dpkg-query -s "$pkg" | grep -v -E '^(Status|Conffiles):' | grep -v -E '^ /' > "$stage/DEBIAN/control"
          dpkg-query -W -f='${Conffiles}\n' "$pkg" | awk 'NF { print $1 }' > "$stage/DEBIAN/conffiles"
          [ -s "$stage/DEBIAN/conffiles" ] || rm "$stage/DEBIAN/conffiles"
          for s in preinst postinst prerm postrm; do
            script="/var/lib/dpkg/info/$pkg.$s"
            if [ -f "$script" ]; then install -m 0755 "$script" "$stage/DEBIAN/$s"; fi
          done
          dpkg-deb -Zgzip --root-owner-group --build "$stage" "$W/repo/$pkg.deb" >/dev/null
        done
        cd "$W/repo" && dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null
        """;

    /// <summary>
    /// Run in a private mount namespace: this machine's /usr, /etc and /var under writable layers that vanish with it;
    /// zookeeper purged, apt's lists emptied and its only source the repository in $1/repo; another apt holding its
    /// locks (the Python in $HOLD). Then runs the rest of the arguments there.
    /// </summary>
    const string FreshMachine = """
        set -eu
        W=$1; shift
        mkdir -p "$W/layers"
        mount -t tmpfs tmpfs "$W/layers"
        for d in usr etc var; do
          mkdir -p "$W/layers/$d/up" "$W/layers/$d/work"
          mount -t overlay overlay -o "lowerdir=/$d,upperdir=$W/layers/$d/up,workdir=$W/layers/$d/work" "/$d"
        done
        dpkg --purge --force-depends zookeeper libzookeeper-java >/dev/null
        rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/*
        mkdir -p /var/lib/apt/lists/partial
        echo "deb [trusted=yes] file:$W/repo ./" > /etc/apt/sources.list
        if [ -e /usr/share/java/zookeeper.jar ] || dpkg-query -W zookeeper >/dev/null 2>&1; then
          echo "zookeeper is still there" >&2; exit 99
        fi
        python3 -c "$HOLD" "$W/results/zookeeper-register/latest/runner.log" "$W/held" &
        for i in $(seq 600); do [ -e "$W/held" ] && break; sleep 0.1; done
        [ -e "$W/held" ] || { echo "the lock holder did not start (is python3 there?)" >&2; exit 98; }
        exec "$@"
        """;

    /// <summary>
    /// Another apt at work: holds the lock on apt's lists until the runner says it waits for it, and dpkg's lock
    /// until an apt-get install runs (and a second more), then lets go. Writes $2 once it holds both.
    /// </summary>
    const string HoldAptLocks = """
        import fcntl, glob, sys, time
        log, held = sys.argv[1], sys.argv[2]
        lists = open('/var/lib/apt/lists/lock', 'a'); fcntl.lockf(lists, fcntl.LOCK_EX)
        dpkg = open('/var/lib/dpkg/lock-frontend', 'a'); fcntl.lockf(dpkg, fcntl.LOCK_EX)
        open(held, 'w').close()
        def logged(text):
            try: return text in open(log).read()
            except OSError: return False
        def installing():
            for path in glob.glob('/proc/[0-9]*/cmdline'):
                try: argv = open(path, 'rb').read().split(b'\0')
                except OSError: continue
                if b'apt-get' in argv and b'install' in argv: return True
            return False
        deadline = time.time() + 300
        while not logged('waiting for it') and time.time() < deadline: time.sleep(0.1)
        lists.close()
        while not installing() and time.time() < deadline: time.sleep(0.1)
        time.sleep(1)
        dpkg.close()
        """;

    static async Task<(int Exit, string Output)> RunAsync(IReadOnlyList<string> argv, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Checker.Tests.RepositoryPaths.Root,
        };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            // SIGTERM: the runner (unshare and bash exec it) heals and tears down, as it does for Ctrl-C.
            using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)])!)
                await term.WaitForExitAsync();
            await p.WaitForExitAsync();
            throw new TimeoutException($"'{string.Join(' ', argv)}' took over {limit}: {await stdout}{await stderr}");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    [NeedsFact(Needs.Root)]
    public async Task The_default_test_installs_zookeeper_once_on_a_machine_without_it_or_apt_lists_and_runs()
    {
        Assert.True(Environment.UserName == "root", "the fresh-machine test needs root (mount namespaces, dpkg)");
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101); // apt's unprivileged fetcher reads the repository
        var build = await RunAsync(["bash", "-c", BuildRepository, "build", work], TimeSpan.FromMinutes(2));
        Assert.True(build.Exit == 0, build.Output);

        var results = Path.Combine(work, "results");
        string[] checkerRun =
        [
            "dotnet", Path.Combine(AppContext.BaseDirectory, "checker.dll"), "run", "--time-limit", "6",
            "--nemesis.faults", "kill-random", "--nemesis.initial-delay", "1",
            "--nemesis.interval", "3", "--nemesis.duration", "1",
            "--results", results, "--runs-dir", Path.Combine(work, "runs"),
        ];
        var run = await RunAsync(["env", $"HOLD={HoldAptLocks}", "unshare", "--mount", "--propagation", "private",
            "bash", "-c", FreshMachine, "fresh", work, .. checkerRun], TimeSpan.FromMinutes(8));

        var log = Path.Combine(results, "zookeeper-register", "latest", "runner.log");
        var logText = File.Exists(log) ? File.ReadAllText(log) : "(no runner.log)";
        Assert.True(run.Exit == 0, $"exit {run.Exit}\n{run.Output}\n{logText}");
        // The three nodes share this machine: one of them updated the lists and installed, the others found it.
        Assert.Single(Regex.Matches(logText, "installing Debian's zookeeper package"));
        Assert.Single(Regex.Matches(logText, "apt knows no zookeeper to install: apt-get update"));
        Assert.Contains("another apt holds the lock on apt's lists: waiting for it", logText);
        Assert.DoesNotContain("apt-get update failed", logText);
        Assert.Contains("zookeeper: Debian", logText);
        // The real machine kept its ZooKeeper: everything happened in the namespace's layers.
        Assert.True(File.Exists("/usr/share/java/zookeeper.jar"));
        var runId = Regex.Match(logText, @" run (\S+), seed").Groups[1].Value;
        Assert.NotEqual("", runId);
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), dir => // no server of the run outlived it
            ReadOrEmpty(Path.Combine(dir, "cmdline")).Contains($"-Dchecker.run={runId}"));
    }

    static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; } // the process ended meanwhile (or was never there)
        catch (UnauthorizedAccessException) { return ""; }
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
