using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Tests.Interop;

/// <summary>
/// OpenSSH's sftp against an account whose root is in memory with a local directory mounted at <c>/shared</c>; the
/// authenticator hands the session that file system through the principal's <c>SftpKit.FileSystem</c> property.
/// </summary>
public sealed class SftpMountsOpenSshTests : IAsyncLifetime
{
    private const string UserName = "carol";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sftpkit-mountsi-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly InMemoryFileSystem _root = new();
    private IHost? _host;
    private int _port;

    private string SharedDir => Path.Combine(_dir, "shared");

    private string LocalDir => Path.Combine(_dir, "local");

    private string ClientKey => Path.Combine(_dir, "client_ed25519");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(SharedDir);
        Directory.CreateDirectory(LocalDir);
        string hostKey = Path.Combine(_dir, "host_ed25519");
        await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
        await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);
        var fs = new MountedFileSystem(_root, new VfsMount("/shared", new LocalFileSystem(new LocalFileSystemOptions { RootPath = SharedDir })));
        var authenticator = new MountedAccountAuthenticator(SshPublicKey.ParseAuthorizedKey(File.ReadAllText(ClientKey + ".pub")), fs);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<ISshAuthenticator>(authenticator); // before AddSftpServer, whose default is TryAdd
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            })
            .AddSftp();
        _host = builder.Build();
        await _host.StartAsync();
        _port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(Path.Combine(_dir, "known_hosts"), $"[127.0.0.1]:{_port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ProcessRunner.Result> SftpBatchAsync(params string[] commands)
    {
        string batch = Path.Combine(_dir, "batch");
        await File.WriteAllLinesAsync(batch, commands);
        string[] args =
        [
            "-b", batch, "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={Path.Combine(_dir, "known_hosts")}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes", "-i", ClientKey, "-P", _port.ToString(CultureInfo.InvariantCulture), $"{UserName}@127.0.0.1",
        ];
        return await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec sftp \"$@\"", LocalDir, .. args]);
    }

    [Fact]
    public async Task Sftp_Batch_PutIntoMount_ListRoot_RenameAcrossMount_GetBack()
    {
        var upload = RandomNumberGenerator.GetBytes(700_000);
        var moved = RandomNumberGenerator.GetBytes(300_001);
        await File.WriteAllBytesAsync(Path.Combine(LocalDir, "up.bin"), upload);
        await File.WriteAllBytesAsync(Path.Combine(LocalDir, "moved.bin"), moved);
        await File.WriteAllTextAsync(Path.Combine(LocalDir, "a.txt"), "in a directory");

        var result = await SftpBatchAsync(
            "put up.bin /shared/up.bin",
            "put moved.bin /in-root.bin",
            "mkdir /dir",
            "put a.txt /dir/a.txt",
            "ls -l /",
            "rename /in-root.bin /shared/moved.bin",
            "rename /dir /shared/dir",
            "ls -l /shared",
            "-rmdir /shared",
            "get /shared/up.bin up-down.bin",
            "get /shared/moved.bin moved-down.bin",
            "get /shared/dir/a.txt a-down.txt");
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);

        // The mount point is listed as a directory of / beside the root's own entries.
        Assert.Matches(@"(?m)^d[rwx-]{9}\s.*\s/shared\s*$", result.Text);
        Assert.Matches(@"(?m)^-[rwx-]{9}\s.*\s/in-root\.bin\s*$", result.Text);
        // Bytes landed on disk inside the mounted directory, and left the in-memory root.
        Assert.Equal(upload, await File.ReadAllBytesAsync(Path.Combine(SharedDir, "up.bin")));
        Assert.Equal(moved, await File.ReadAllBytesAsync(Path.Combine(SharedDir, "moved.bin")));
        Assert.Equal("in a directory", await File.ReadAllTextAsync(Path.Combine(SharedDir, "dir", "a.txt")));
        Assert.False(_root.Exists("/in-root.bin"));
        Assert.False(_root.Exists("/dir"));
        Assert.True(Directory.Exists(SharedDir));
        // And come back unchanged.
        Assert.Equal(upload, await File.ReadAllBytesAsync(Path.Combine(LocalDir, "up-down.bin")));
        Assert.Equal(moved, await File.ReadAllBytesAsync(Path.Combine(LocalDir, "moved-down.bin")));
        Assert.Equal("in a directory", await File.ReadAllTextAsync(Path.Combine(LocalDir, "a-down.txt")));
        Assert.Matches(@"(?m)^d[rwx-]{9}\s.*\s/shared/dir\s*$", result.Text);
        // The mount point itself cannot be removed.
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Logs one key in and hands the session the mounted file system through the principal property.</summary>
    private sealed class MountedAccountAuthenticator(SshPublicKey key, IVirtualFileSystem fileSystem) : ISshAuthenticator
    {
        public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
            => ValueTask.FromResult(SshAuthResult.Failed);

        public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey offered, CancellationToken cancellationToken)
        {
            if (context.UserName != UserName || !offered.Equals(key))
            {
                return ValueTask.FromResult(SshAuthResult.Failed);
            }
            var principal = new SshPrincipal(UserName).SetFeature(fileSystem);
            return ValueTask.FromResult(SshAuthResult.Success(principal));
        }
    }
}
