using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Hosting;
using SftpKit.Storage.Sftp;

namespace SftpKit.Tests.Storage.Sftp;

/// <summary>
/// The remote sshd of an <c>sftp</c> account goes away (killed with its session processes, so every pooled connection
/// drops) and comes back on the same port with the same host key: the same running SftpKit front fails cleanly and
/// promptly meanwhile, then serves the account again without a restart, to new sessions and to a session that stayed
/// open across the outage.
/// </summary>
public sealed class SftpBackendReconnectTests : IAsyncLifetime
{
    private const string Password = "front-password-1";

    // Bounds: a failure during the outage must come well inside the client's own operation timeout (no hang), and the
    // account must be served again soon after the remote server accepts connections.
    private static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    private readonly OpenSshServer _sshd = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-reconnect-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<IHostedService> _started = [];
    private ServiceProvider? _services;
    private string _remoteDirectory = string.Empty;
    private int _port;

    public async ValueTask InitializeAsync()
    {
        await _sshd.InitializeAsync();
        Requires.That(_sshd.Unavailable is null, _sshd.Unavailable ?? "", "install openssh-server (scripts/test.sh does)");
        Directory.CreateDirectory(_directory);
        _remoteDirectory = _sshd.NewBaseDirectory();
    }

    /// <summary>Starts the front: account <c>front</c> on provider <c>sftp</c>, its files in the remote directory on <paramref name="remotePort"/>.</summary>
    private async Task StartFrontAsync(int remotePort, Action<SftpRemoteOptions>? defaults = null)
    {
        var account = new SftpAccount
        {
            UserName = "front",
            PasswordHash = SftpPasswordHasher.Hash(Password),
            FileSystem = new SftpFileSystemConfig { Provider = "sftp", Root = _remoteDirectory },
        };
        account.FileSystem.Settings["Host"] = "127.0.0.1";
        account.FileSystem.Settings["Port"] = remotePort.ToString(CultureInfo.InvariantCulture);
        account.FileSystem.Settings["UserName"] = _sshd.UserName;
        account.FileSystem.Settings["PrivateKey"] = _sshd.ClientPrivateKey;
        account.FileSystem.Settings["HostKeyFingerprints"] = _sshd.HostKeyFingerprint;
        account.FileSystem.Settings["MaxConnections"] = "2"; // both pooled connections are in use before the outage
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.HostKeyDirectory = Path.Combine(_directory, "keys");
            o.Defender.Enabled = false;
        }).AddInMemoryUserStore(account).AddSftpRemoteStorage(defaults).AddSftp();
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
        await _sshd.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_same_front_serves_the_account_again_after_the_remote_sshd_comes_back()
    {
        await StartFrontAsync(_sshd.Port);
        using var kept = await ConnectAsync(); // stays open across the outage
        using (var first = await ConnectAsync())
        {
            // Several round trips over two sessions at once, so that every pooled connection has been used.
            await Task.WhenAll(RoundTripAsync(first, "before-1.bin"), RoundTripAsync(kept, "before-2.bin"));
            Assert.Contains(first.ListDirectory("/"), f => f.Name == "before-2.bin");
        }

        await _sshd.KillAsync();

        // The kept session and a new one both get an SFTP error, promptly; the front itself stays up.
        foreach (var attempt in new Func<SftpClient, object>[]
        {
            c => c.ListDirectory("/").ToList(),
            c => Download(c, "before-1.bin"),
            c => { Upload(c, "during.bin", [1, 2, 3]); return true; },
        })
        {
            var timer = Stopwatch.StartNew();
            var error = Assert.ThrowsAny<SshException>(() => attempt(kept));
            Assert.IsNotType<SshConnectionException>(error);
            Assert.True(timer.Elapsed < FailureBound, $"The failure took {timer.Elapsed}.");
            Assert.True(kept.IsConnected);
        }
        using (var during = await ConnectAsync())
        {
            var timer = Stopwatch.StartNew();
            var error = Assert.ThrowsAny<SshException>(() => during.ListDirectory("/").ToList());
            Assert.IsNotType<SshConnectionException>(error);
            Assert.True(timer.Elapsed < FailureBound, $"The failure took {timer.Elapsed}.");
        }
        Assert.False(File.Exists(Path.Combine(_remoteDirectory, "during.bin")));

        Assert.True(await _sshd.StartAsync(), "sshd did not start again on its port.");

        // A new session lists, uploads and downloads again.
        await UntilServedAsync(async () =>
        {
            using var fresh = await ConnectAsync();
            Assert.Contains(fresh.ListDirectory("/"), f => f.Name == "before-1.bin");
            await RoundTripAsync(fresh, "after-new.bin");
        });
        // The session kept open across the outage works again once it retries.
        await UntilServedAsync(async () =>
        {
            Assert.Contains(kept.ListDirectory("/"), f => f.Name == "after-new.bin");
            await RoundTripAsync(kept, "after-kept.bin");
        });
        Assert.Empty(Directory.GetFiles(_remoteDirectory, ".sftpkit-*"));
    }

    [Fact]
    public async Task Pooled_connections_that_stopped_passing_anything_are_replaced()
    {
        // Connections that a NAT or firewall forgot stay "connected" at both ends: only a timed-out operation tells.
        await using var relay = new SilentDropRelay(_sshd.Port);
        await StartFrontAsync(relay.Port, o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        using var kept = await ConnectAsync();
        using (var first = await ConnectAsync())
        {
            await Task.WhenAll(RoundTripAsync(first, "before-1.bin"), RoundTripAsync(kept, "before-2.bin"));
        }

        relay.DropExisting();

        var timer = Stopwatch.StartNew();
        var error = Assert.ThrowsAny<SshException>(() => kept.ListDirectory("/").ToList());
        Assert.IsNotType<SshConnectionException>(error);
        Assert.True(timer.Elapsed < FailureBound, $"The failure took {timer.Elapsed}.");

        await UntilServedAsync(async () =>
        {
            Assert.Contains(kept.ListDirectory("/"), f => f.Name == "before-1.bin");
            await RoundTripAsync(kept, "after-kept.bin");
        });
        await UntilServedAsync(async () =>
        {
            using var fresh = await ConnectAsync();
            await RoundTripAsync(fresh, "after-new.bin");
        });
    }

    private async Task<SftpClient> ConnectAsync()
    {
        var client = new SftpClient("127.0.0.1", _port, "front", Password) { OperationTimeout = TimeSpan.FromSeconds(30) };
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(10);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.ConnectAsync(cts.Token);
        return client;
    }

    /// <summary>Uploads a random file, downloads it and compares, through the front and on the remote disk.</summary>
    private async Task RoundTripAsync(SftpClient client, string name)
    {
        byte[] content = RandomNumberGenerator.GetBytes(300_007);
        await Task.Run(() => Upload(client, name, content));
        Assert.Equal(content, await Task.Run(() => Download(client, name)));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_remoteDirectory, name)));
    }

    private static void Upload(SftpClient client, string name, byte[] content)
    {
        using var upload = new MemoryStream(content);
        client.UploadFile(upload, name);
    }

    private static byte[] Download(SftpClient client, string name)
    {
        using var download = new MemoryStream();
        client.DownloadFile(name, download);
        return download.ToArray();
    }

    /// <summary>Runs <paramref name="check"/> until it passes; SFTP errors before the deadline mean "not yet".</summary>
    private static async Task UntilServedAsync(Func<Task> check)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (SshException) when (deadline.Elapsed < RecoveryBound)
            {
                await Task.Delay(100);
            }
        }
    }
}
