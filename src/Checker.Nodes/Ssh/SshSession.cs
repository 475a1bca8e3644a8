using System.Net.Sockets;
using Checker.Runner.Nodes;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Checker.Nodes.Ssh;

/// <summary>
/// The two connections to one host: an SshClient for commands and an SftpClient for files, both
/// with keep-alive, each reopened when found dropped. Every failure is turned into a message that
/// names the node, the user and the host.
/// </summary>
sealed class SshSession : IDisposable
{
    readonly SshOptions options;
    readonly KnownHosts knownHosts;
    readonly SemaphoreSlim connecting = new(1, 1);
    SshClient? ssh;
    SftpClient? sftp;

    public string Node { get; }
    public string Host { get; }
    public string Who => $"{Node} ({options.User}@{KnownHosts.HostName(Host, options.Port)})";

    public SshSession(string node, string host, SshOptions options, KnownHosts knownHosts)
    {
        Node = node;
        Host = host;
        this.options = options;
        this.knownHosts = knownHosts;
    }

    public async Task<SshClient> CommandsAsync(CancellationToken ct)
    {
        if (ssh is { IsConnected: true } c)
            return c;
        return (SshClient)await ReconnectAsync(isSftp: false, ct);
    }

    public async Task<SftpClient> FilesAsync(CancellationToken ct)
    {
        if (sftp is { IsConnected: true } c)
            return c;
        return (SftpClient)await ReconnectAsync(isSftp: true, ct);
    }

    async Task<BaseClient> ReconnectAsync(bool isSftp, CancellationToken ct)
    {
        await connecting.WaitAsync(ct);
        try
        {
            BaseClient? current = isSftp ? sftp : ssh;
            if (current is { IsConnected: true })
                return current;
            current?.Dispose();
            var info = ConnectionInfo();
            BaseClient client = isSftp ? new SftpClient(info) : new SshClient(info);
            client.KeepAliveInterval = options.KeepAlive;
            string? refusal = null;
            client.HostKeyReceived += (_, e) =>
            {
                switch (knownHosts.Check(Host, options.Port, e.HostKey))
                {
                    case HostKeyVerdict.Known:
                        e.CanTrust = true;
                        break;
                    case HostKeyVerdict.Unknown when options.AcceptNew:
                        knownHosts.Add(Host, options.Port, e.HostKey);
                        e.CanTrust = true;
                        break;
                    case HostKeyVerdict.Unknown:
                        e.CanTrust = false;
                        refusal =
                            $"{Who}: host key {KnownHosts.KeyType(e.HostKey)} {KnownHosts.Fingerprint(e.HostKey)} "
                            + $"is not in {knownHosts.Path} (add it, or accept new host keys with --ssh.accept-new)";
                        break;
                    default:
                        e.CanTrust = false;
                        refusal =
                            $"{Who}: HOST KEY MISMATCH: the host offered {KnownHosts.KeyType(e.HostKey)} "
                            + $"{KnownHosts.Fingerprint(e.HostKey)}, which is not the key {knownHosts.Path} lists "
                            + $"for it (a different host, or a reinstalled one)";
                        break;
                }
            };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.ConnectTimeout);
                await client.ConnectAsync(timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                client.Dispose();
                throw Explain(e, refusal);
            }
            if (isSftp)
                sftp = (SftpClient)client;
            else
                ssh = (SshClient)client;
            return client;
        }
        finally
        {
            connecting.Release();
        }
    }

    ConnectionInfo ConnectionInfo()
    {
        var methods = new List<AuthenticationMethod>();
        if (options.PrivateKey is { } keyPath)
        {
            PrivateKeyFile key;
            try
            {
                key = options.PrivateKeyPassphrase is { } pass
                    ? new PrivateKeyFile(keyPath, pass)
                    : new PrivateKeyFile(keyPath);
            }
            catch (Exception e)
                when (e is IOException or UnauthorizedAccessException or SshException or ArgumentException)
            {
                throw new SshNodeException($"{Who}: cannot read private key {keyPath}: {e.Message}", e);
            }
            methods.Add(new PrivateKeyAuthenticationMethod(options.User, key));
        }
        if (options.Password is { } password)
            methods.Add(new PasswordAuthenticationMethod(options.User, password));
        if (methods.Count == 0)
            throw new SshNodeException($"{Who}: no private key and no password given");
        var info = new ConnectionInfo(Host, options.Port, options.User, [.. methods])
        {
            Timeout = options.ConnectTimeout,
        };
        // Offer only the key types known_hosts has for the host, so that a host with several keys is
        // checked against the one we know (as OpenSSH orders its algorithms).
        var known = knownHosts.KeyTypes(Host, options.Port);
        if (known.Count > 0)
        {
            bool Allowed(string algorithm) =>
                known.Any(t => algorithm == t || (t == "ssh-rsa" && algorithm.StartsWith("rsa-sha2-")));
            foreach (var algorithm in info.HostKeyAlgorithms.Keys.ToList())
                if (!Allowed(algorithm))
                    info.HostKeyAlgorithms.Remove(algorithm);
        }
        return info;
    }

    /// <summary>What the client offered: "key PATH", "password", or both.</summary>
    string Credentials() =>
        string.Join(
            ", ",
            new[]
            {
                options.PrivateKey is { } k ? $"key {k}" : null,
                options.Password is not null ? "password" : null,
            }.OfType<string>()
        );

    Exception Explain(Exception e, string? hostKeyRefusal) =>
        e switch
        {
            _ when hostKeyRefusal is not null => new SshNodeException(hostKeyRefusal, e),
            SshNodeException => e,
            SshAuthenticationException => new SshNodeException(
                $"{Who}: authentication failed for user {options.User} ({Credentials()}): {e.Message}",
                e
            ),
            SocketException or SshOperationTimeoutException or OperationCanceledException or TimeoutException =>
                new SshNodeException(
                    $"{Who}: cannot reach the host within {options.ConnectTimeout.TotalSeconds:0.#} s: {e.Message}",
                    e
                ),
            _ => new SshNodeException($"{Who}: cannot connect: {e.GetType().Name}: {e.Message}", e),
        };

    public void Dispose()
    {
        foreach (var c in new BaseClient?[] { ssh, sftp })
        {
            if (c is null)
                continue;
            try
            {
                if (c.IsConnected)
                    c.Disconnect();
            }
            catch (Exception) { }
            c.Dispose();
        }
    }
}
