using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Policies;
using SftpKit.Tests.Interop;
using SftpKit.Tests.Policies;

namespace SftpKit.Tests.LoadAndFaults;

/// <summary>
/// Disk full: the account's home is a 4 MiB tmpfs. An 8 MiB upload (SSH.NET, then OpenSSH sftp) fails with
/// "No space left", the partial upload is gone (no file, no temp, the space is free again), and the server keeps
/// serving: a small upload right after succeeds. Needs root to mount: a counted skip without it, a failure under CI.
/// </summary>
[Collection(LoadAndFaultsCollection.Name)]
public sealed class DiskFullFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long FsSize = 4 * 1024 * 1024;
    private readonly AccountTestServer _server = new();
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "sftpkit-full-" + Guid.NewGuid().ToString("N")[..8]);
    private bool _mounted;

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        Directory.CreateDirectory(_mount);
    }

    /// <summary>Mounts the small tmpfs; the privilege is decided from the process's capabilities, not the mount's error.</summary>
    private async Task MountSmallDiskAsync()
    {
        Requires.That(LinuxCapabilities.Has(LinuxCapabilities.SysAdmin), "CAP_SYS_ADMIN (to mount a tmpfs)", "run the tests as root");
        var result = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={FsSize},mode=0755", "tmpfs", _mount]);
        Assert.True(result.ExitCode == 0, $"mount -t tmpfs failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        _mounted = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_mounted)
        {
            await ProcessRunner.RunAsync("umount", ["-l", _mount]);
        }
        Directory.Delete(_mount, recursive: true);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Upload_LargerThanTheDisk_FailsWithNoSpace_LeavesNothing_AndTheServerKeepsServing()
    {
        await MountSmallDiskAsync();
        await _server.AddAccountAsync("full", a => a.HomeDirectory = _mount);
        long freeBefore = new DriveInfo(_mount).AvailableFreeSpace;

        using var client = new SftpClient(new PrivateKeyConnectionInfo("127.0.0.1", _server.Port, "full", new PrivateKeyFile(_server.ClientKey)));
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await client.ConnectAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<SftpException>(() =>
            client.UploadFileAsync(new MemoryStream(RandomNumberGenerator.GetBytes(8 * 1024 * 1024)), "/big.bin", CancellationToken.None));
        output.WriteLine($"SSH.NET: {error.GetType().Name}: {error.Message}");
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_mount));
        Assert.Equal(freeBefore, new DriveInfo(_mount).AvailableFreeSpace);

        // The same session goes on: a file that fits uploads and reads back intact.
        byte[] small = RandomNumberGenerator.GetBytes(100 * 1024);
        await client.UploadFileAsync(new MemoryStream(small), "/small.bin", CancellationToken.None);
        Assert.Equal(small, await File.ReadAllBytesAsync(Path.Combine(_mount, "small.bin")));
        client.Disconnect();

        // OpenSSH's sftp prints the status code's text only (SFTP v3 has no "no space" code; OpenSSH's own server
        // answers SSH_FX_FAILURE too), so it says "Failure"; the server's message is what SSH.NET showed above.
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "big.bin"), RandomNumberGenerator.GetBytes(8 * 1024 * 1024));
        var put = await _server.SftpBatchAsync("full", local, "put big.bin /big2.bin");
        output.WriteLine("sftp: " + put.StandardError.Trim());
        Assert.NotEqual(0, put.ExitCode);
        Assert.Contains("write remote \"/big2.bin\": Failure", put.StandardError, StringComparison.Ordinal);
        Assert.Equal(["small.bin"], Directory.GetFileSystemEntries(_mount).Select(Path.GetFileName));

        var quotas = _server.Services.GetRequiredService<SftpQuotaManager>();
        Assert.Equal(await quotas.ScanAsync("full", CancellationToken.None), await quotas.GetUsageAsync("full", CancellationToken.None));
    }
}
