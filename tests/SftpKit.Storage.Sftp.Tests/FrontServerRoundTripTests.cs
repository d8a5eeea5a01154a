using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.Hosting;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.Sftp;

/// <summary>
/// A SftpKit server whose account keeps its files on OpenSSH's sshd (provider <c>sftp</c>), used by real clients:
/// OpenSSH sftp (put, get, ls, rename, rm), rclone (copy up, copy down, compare) and SSH.NET; the files land in the account's remote directory.
/// </summary>
public sealed class FrontServerRoundTripTests(OpenSshServer sshd) : IClassFixture<OpenSshServer>, IAsyncLifetime
{
    private const string Password = "front-password-1";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-front-" + Guid.NewGuid().ToString("N")[..10]);
    private ServiceProvider? _services;
    private readonly List<IHostedService> _started = [];
    private string _remoteDirectory = string.Empty;
    private int _port;

    public async ValueTask InitializeAsync()
    {
        Requires.That(sshd.Unavailable is null, sshd.Unavailable ?? "", "install openssh-server (scripts/test.sh does)");
        Directory.CreateDirectory(_directory);
        await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(_directory, "client")]);
        _remoteDirectory = sshd.NewBaseDirectory();
        var account = new SftpAccount
        {
            UserName = "front",
            PasswordHash = SftpPasswordHasher.Hash(Password),
            PublicKeys = [(await File.ReadAllTextAsync(Path.Combine(_directory, "client.pub"))).Trim()],
            FileSystem = new SftpFileSystemConfig { Provider = "sftp", Root = _remoteDirectory },
        };
        account.FileSystem.Settings["Host"] = "127.0.0.1";
        account.FileSystem.Settings["Port"] = sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        account.FileSystem.Settings["UserName"] = sshd.UserName;
        account.FileSystem.Settings["PrivateKey"] = sshd.ClientPrivateKey;
        account.FileSystem.Settings["HostKeyFingerprints"] = sshd.HostKeyFingerprint;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.HostKeyDirectory = Path.Combine(_directory, "keys");
            o.Defender.Enabled = false;
        }).AddInMemoryUserStore(account).AddSftpRemoteStorage().AddSftp();
        _services = services.BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            _started.Add(hosted);
        }
        _port = _services.GetRequiredService<ISftpServer>().EndPoints.OfType<IPEndPoint>().First().Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task OpenSsh_sftp_put_get_rename_remove_land_on_the_remote_server()
    {
        byte[] content = RandomNumberGenerator.GetBytes(3_000_017);
        await File.WriteAllBytesAsync(Path.Combine(_directory, "up.bin"), content);
        string batch = Path.Combine(_directory, "batch");
        await File.WriteAllLinesAsync(batch, ["mkdir d", "put up.bin d/up.bin", "get d/up.bin down.bin", "ls -l d", "rename d/up.bin d/moved.bin",
            "put up.bin gone.bin", "rm gone.bin"]);
        var result = await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec sftp \"$@\"", _directory, "-b", batch, "-i", Path.Combine(_directory, "client"),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
            "-P", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "front@127.0.0.1"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_directory, "down.bin")));
        Assert.Contains("3000017", result.Text, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_remoteDirectory, "d", "moved.bin")));
        Assert.False(File.Exists(Path.Combine(_remoteDirectory, "gone.bin")));
        Assert.Empty(Directory.GetFiles(_remoteDirectory, ".sftpkit-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Rclone_copy_up_copy_down_compare()
    {
        await RcloneRoundTrip.RunAsync(_directory, _port, "front", Path.Combine(_directory, "client"), knownHostsFile: null, "rc");

        foreach (var (name, size) in RcloneRoundTrip.Sizes)
        {
            Assert.Equal(size, new FileInfo(Path.Combine(_remoteDirectory, "rc", name)).Length);
        }
        Assert.Empty(Directory.GetFiles(_remoteDirectory, ".sftpkit-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SshNet_upload_and_download()
    {
        using var client = new SftpClient("127.0.0.1", _port, "front", Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await client.ConnectAsync(CancellationToken.None);
        byte[] content = RandomNumberGenerator.GetBytes(1_500_001);
        using (var upload = new MemoryStream(content))
        {
            client.UploadFile(upload, "sshnet.bin");
        }
        using var download = new MemoryStream();
        client.DownloadFile("sshnet.bin", download);
        Assert.Equal(content, download.ToArray());
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_remoteDirectory, "sshnet.bin")));
    }
}
