using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;

namespace Checker.Tests;

/// <summary>
/// A dockerd of the tests' own (Debian's docker.io): its data root, exec root, pid file and socket in a
/// temporary folder, no default bridge, and no iptables rules, IP forwarding or masquerading of its own,
/// so the host's firewall is left exactly as it was. Dispose removes every container on it, stops it and
/// deletes the folder. Needs root. Compiled into every test project (it uses only the base library).
/// </summary>
internal sealed class TestDockerd : IDisposable
{
    const string Dockerd = "/usr/sbin/dockerd";

    /// <summary>Folders a daemon makes outside its own roots whatever its flags (containerd's shim sockets, the plugin sockets).</summary>
    static readonly string[] RuntimeFolders = ["/run/containerd/s", "/run/containerd", "/run/docker/plugins", "/run/docker"];

    readonly Process process;
    readonly string[] madeHere;

    public string Folder { get; }
    public string Socket => Path.Combine(Folder, "docker.sock");

    /// <summary>What DOCKER_HOST is set to for this daemon.</summary>
    public string Endpoint => "unix://" + Socket;

    TestDockerd(string folder, Process process, string[] madeHere)
    {
        Folder = folder;
        this.process = process;
        this.madeHere = madeHere;
    }

    /// <summary>Starts a daemon and waits until it answers a ping (or throws with its log).</summary>
    public static TestDockerd Start()
    {
        if (!File.Exists(Dockerd)) throw new InvalidOperationException($"{Dockerd} is missing: apt-get install docker.io");
        // A short path: the daemon's and containerd's sockets live under it and a socket path has at most 107 bytes.
        var folder = Directory.CreateTempSubdirectory("ckd-").FullName;
        File.WriteAllText(Path.Combine(folder, "daemon.json"), "{}"); // not the machine's /etc/docker/daemon.json
        var psi = new ProcessStartInfo(Dockerd) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[
                     "--data-root", Path.Combine(folder, "data"), "--exec-root", Path.Combine(folder, "exec"),
                     "--pidfile", Path.Combine(folder, "docker.pid"), "-H", "unix://" + Path.Combine(folder, "docker.sock"),
                     "--config-file", Path.Combine(folder, "daemon.json"), "--bridge", "none",
                     "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false", "--userland-proxy=false",
                     "--log-level", "warn"])
            psi.ArgumentList.Add(a);
        var missing = RuntimeFolders.Where(f => !Directory.Exists(f)).ToArray();
        var p = Process.Start(psi)!;
        var log = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var daemon = new TestDockerd(folder, p, missing);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (p.HasExited || clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                daemon.Dispose();
                lock (log) throw new InvalidOperationException($"dockerd did not come up: {log}");
            }
            try
            {
                if (daemon.Request(HttpMethod.Get, "/_ping") == "OK") return daemon;
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException) { }
            Thread.Sleep(100);
        }
    }

    /// <summary>One request to the daemon's API over its socket; returns the body, throws on an error status.</summary>
    public string Request(HttpMethod method, string path)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://docker"), Timeout = TimeSpan.FromSeconds(60) };
        using var response = http.Send(new HttpRequestMessage(method, path));
        var body = new StreamReader(response.Content.ReadAsStream()).ReadToEnd();
        response.EnsureSuccessStatusCode();
        return body;
    }

    /// <summary>The names of the daemon's containers (any state), without the leading slash.</summary>
    public List<string> ContainerNames()
    {
        using var list = JsonDocument.Parse(Request(HttpMethod.Get, "/containers/json?all=1"));
        return list.RootElement.EnumerateArray().Select(c => c.GetProperty("Names")[0].GetString()!.TrimStart('/')).ToList();
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                using var list = JsonDocument.Parse(Request(HttpMethod.Get, "/containers/json?all=1"));
                foreach (var c in list.RootElement.EnumerateArray())
                    Request(HttpMethod.Delete, $"/containers/{c.GetProperty("Id").GetString()}?force=1");
            }
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException) { }
        // SIGTERM: the daemon stops its containerd and unmounts what it mounted; SIGKILL only if it hangs.
        if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        if (!process.WaitForExit(30_000)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
        // Anything the daemon left mounted under its folder (it unmounts on a clean stop) goes before the folder.
        foreach (var mount in File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(Folder, StringComparison.Ordinal)).Reverse())
            Process.Start("umount", ["-l", mount])?.WaitForExit();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        // The runtime folders this daemon made go too, if empty (another daemon may be using them).
        foreach (var f in madeHere)
            try { Directory.Delete(f); } catch (IOException) { }
    }
}
