using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.Sftp;

/// <summary>
/// A throwaway OpenSSH sshd (Debian openssh-server) on 127.0.0.1: its own host key, config and data directory in a
/// temp directory; the current user logs in with a generated key; internal-sftp serves the files. Stopped on dispose.
/// </summary>
public sealed class OpenSshServer : IAsyncLifetime
{
    private Process? _process;
    private string? _sshd;
    private string? _config;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-sshd-" + Guid.NewGuid().ToString("N")[..10]);

    public string DataDirectory => Path.Combine(Directory, "data");

    public int Port { get; private set; }

    public string UserName { get; } = Environment.UserName;

    public string ClientPrivateKey { get; private set; } = string.Empty;

    public string HostKeyFingerprint { get; private set; } = string.Empty;

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        string? sshd = Requires.FindOnPath("/usr/sbin/sshd");
        string? keygen = Requires.FindOnPath("ssh-keygen");
        if (sshd is null || keygen is null)
        {
            Unavailable = "OpenSSH sshd and ssh-keygen (Debian openssh-server)";
            return;
        }
        System.IO.Directory.CreateDirectory(DataDirectory);
        string hostKey = Path.Combine(Directory, "host_ed25519");
        string clientKey = Path.Combine(Directory, "client_ed25519");
        await ProcessRunner.RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
        await ProcessRunner.RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", clientKey]);
        ClientPrivateKey = await File.ReadAllTextAsync(clientKey);
        var print = await ProcessRunner.RunAsync(keygen, ["-l", "-f", hostKey + ".pub"]);
        HostKeyFingerprint = print.Text.Split(' ')[1];
        Port = FreePort();
        string config = Path.Combine(Directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            AuthorizedKeysFile {clientKey}.pub
            PidFile none
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            Subsystem sftp internal-sftp
            """);
        try
        {
            System.IO.Directory.CreateDirectory("/run/sshd"); // privilege separation directory, needed when run as root
        }
        catch (UnauthorizedAccessException)
        {
        }
        _sshd = sshd;
        _config = config;
        if (!await StartAsync())
        {
            Unavailable = "OpenSSH sshd (it did not start on 127.0.0.1)";
        }
    }

    /// <summary>
    /// Kills sshd and every process below it (the per-connection session processes too), so that every connection to it
    /// drops at once, as when the machine goes away; waits until they have exited. The files stay.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts sshd again after <see cref="KillAsync"/>: same port, host key and config. True once it accepts connections (20 s at most).</summary>
    public async Task<bool> StartAsync()
    {
        var start = new ProcessStartInfo(_sshd!) { ArgumentList = { "-D", "-e", "-f", _config! } };
        _process = ProcessRunner.StartDrained(start);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    return false;
                }
                await Task.Delay(50);
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A new empty directory on the server for one test.</summary>
    public string NewBaseDirectory()
    {
        string path = Path.Combine(DataDirectory, Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
